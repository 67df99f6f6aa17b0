// Palette commands that manage the library: rename, pin, archive, delete, search, export, import.
// Those about one thread also run from the thread bar's context menu, which passes its thread.
import * as vscode from 'vscode';
import { describeError } from '../../core/backends/errors';
import { bookmarkedMessages } from '../../core/library/bookmarks';
import { parseThreadJson, toJson, toMarkdown } from '../../core/library/exportThread';
import { messageText, withoutSource } from '../../core/model';
import type { Message, ThreadMeta } from '../../core/model';
import type { ReconcileResult } from '../../core/chat/reconcile';
import type { ThreadStore } from '../../core/library/threadStore';
import { searchThreads } from '../../core/library/search';
import { TRASH_DAYS } from '../../core/library/trash';
import type { CommandDeps } from './commandDeps';
import { offerUndo } from './libraryCommands';
import type { Prompts } from '../prompts';
import { workspaceInit } from '../workspace';

export function registerThreadCommands(deps: CommandDeps): vscode.Disposable[] {
  const { store, threads, sessions, prompts } = deps;
  /**
   * The thread a command acts on: the one of the thread bar's context menu (its context is
   * `{ threadId, … }`), else the open one (the active Threadline tab's, else the side panel's).
   */
  const target = (context: unknown): string | undefined => {
    const id = typeof context === 'object' && context !== null && 'threadId' in context && typeof context.threadId === 'string' ? context.threadId : undefined;
    const threadId = id !== undefined && store.get(id) ? id : sessions.target().currentThreadId;
    // The palette hides these without a thread (threadline.hasThread); a keybinding may still run one.
    if (!threadId) void prompts().info(noThreadMessage());
    return threadId;
  };
  const guarded = <A extends unknown[]>(run: (...args: A) => Promise<unknown>) => async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      void prompts().error(vscode.l10n.t('Threadline: {0}', describeError(err).message));
      return undefined;
    }
  };
  return [
    vscode.commands.registerCommand('threadline.renameThread', guarded(async (context?: unknown) => {
      const id = target(context);
      if (!id) return;
      const name = await prompts().ask({ title: vscode.l10n.t('Threadline: rename thread'), value: store.get(id)!.title });
      if (name !== undefined) await threads.rename(id, name);
    })),
    vscode.commands.registerCommand('threadline.togglePin', guarded(async (context?: unknown) => {
      const id = target(context);
      if (id) await threads.setPinned(id, !store.get(id)!.pinned);
    })),
    vscode.commands.registerCommand('threadline.toggleArchive', guarded(async (context?: unknown) => {
      const id = target(context);
      if (id) await threads.setArchived(id, !store.get(id)!.archived);
    })),
    vscode.commands.registerCommand('threadline.deleteThread', guarded(async (context?: unknown) => {
      const id = target(context);
      if (!id) return false;
      const thread = store.get(id)!;
      if (!(await prompts().confirm(deleteQuestion(thread), vscode.l10n.t('Delete'), deleteDetail(thread)))) return false;
      // Panels showing it notice (a tab closes, the side panel shows no thread).
      const entry = await threads.delete(id, { remote: true });
      if (entry) void offerUndo(deps, entry);
      return true;
    })),
    vscode.commands.registerCommand('threadline.search', guarded(async () => {
      const picked = await pickSearchHit(prompts(), store);
      if (!picked) return undefined;
      await sessions.target().showHit(picked.threadId, picked.messageId);
      return picked;
    })),
    vscode.commands.registerCommand('threadline.exportThread', guarded(async (context?: unknown) => {
      const id = target(context);
      if (!id) return undefined;
      const kind = (await prompts().pick(exportChoices(), { title: vscode.l10n.t('Threadline: export thread as') }))?.format;
      if (!kind) return undefined;
      const thread = store.get(id)!;
      const messages = await store.messages(id);
      if (kind === 'markdown') {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: toMarkdown(thread, messages) });
        await vscode.window.showTextDocument(doc);
        return doc.uri.toString();
      }
      const json = kind === 'json';
      // The save dialog itself asks before replacing an existing file (native and in the browser),
      // so what it returns may be written over.
      const uri = await prompts().saveDialog({
        title: vscode.l10n.t('Threadline: export thread'),
        defaultUri: defaultExportUri(thread.title, json ? 'json' : 'md'),
        filters: json ? { [vscode.l10n.t('Threadline thread')]: ['json'] } : { [vscode.l10n.t('Markdown')]: ['md'] },
        saveLabel: vscode.l10n.t('Export'),
      });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(json ? toJson(thread, withoutSources(messages)) : toMarkdown(thread, messages)));
      void prompts().info(vscode.l10n.t('Threadline: exported "{0}" to {1}.', thread.title, vscode.workspace.asRelativePath(uri)));
      return uri.toString();
    })),
    vscode.commands.registerCommand('threadline.showBookmarks', guarded(async () => {
      const items = (await bookmarkedMessages(store)).map(({ thread, message }) => ({
        label: messageText(message).replace(/\s+/g, ' ').slice(0, 100) || vscode.l10n.t('(attachments)'),
        description: thread.title,
        threadId: thread.id,
        messageId: message.id,
      }));
      const chosen = await prompts().pick(items, { title: vscode.l10n.t('Threadline: bookmarks'), matchOnDescription: true });
      if (!chosen) return items.length;
      await sessions.target().showHit(chosen.threadId, chosen.messageId);
      return items.length;
    })),
    vscode.commands.registerCommand('threadline.reconcile', guarded(async () => {
      const result = await prompts().progress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: checking threads on the server'), cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          return threads.reconcile({
            signal: abort.signal,
            onProgress: (done, total) => {
              progress.report({ message: vscode.l10n.t('{0} of {1}', done, total), increment: total ? ((done - last) / total) * 100 : 0 });
              last = done;
            },
          });
        },
      );
      await sessions.refreshAll();
      // Nothing lists server threads, so ones the library lacks can only come in by id.
      const adopt = vscode.l10n.t('Adopt Threads by Id…');
      void prompts().info(reconcileSummary(result), adopt).then((choice) => {
        if (choice === adopt) void vscode.commands.executeCommand('threadline.openRemoteThread');
      });
      return result;
    })),
    vscode.commands.registerCommand('threadline.importThread', guarded(async () => {
      const uri = await prompts().openDialog({
        title: vscode.l10n.t('Threadline: import thread'),
        // Where Export Thread saves by default.
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        filters: { [vscode.l10n.t('Threadline thread')]: ['json'] },
        openLabel: vscode.l10n.t('Import'),
      });
      if (!uri) return undefined;
      const doc = parseThreadJson(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      const thread = await threads.importThread(doc, workspaceInit());
      await sessions.target().showThread(thread.id);
      return thread.id;
    })),
  ];
}

/** What a command about "the current thread" says when there is none. */
export function noThreadMessage(): string {
  return vscode.l10n.t('Threadline: no thread is open. Start one with "Threadline: New Thread" or open one with "Threadline: Switch Thread".');
}

/** `markdown` opens an untitled editor; the other two save to a file chosen in the save dialog. */
type ExportKind = 'markdown' | 'markdown-file' | 'json';

function exportChoices(): (vscode.QuickPickItem & { format: ExportKind })[] {
  return [
    { label: vscode.l10n.t('Markdown'), description: vscode.l10n.t('in a new editor tab, to read or save from there'), format: 'markdown' },
    { label: vscode.l10n.t('Markdown file…'), description: vscode.l10n.t('saved where you choose'), format: 'markdown-file' },
    { label: vscode.l10n.t('JSON file…'), description: vscode.l10n.t('saved where you choose; Import Thread reads it back'), format: 'json' },
  ];
}

/** Delete's question: what goes, here and on the server. */
function deleteQuestion(thread: ThreadMeta): string {
  if (!thread.remoteId) return vscode.l10n.t('Delete "{0}" ({1} messages)?', thread.title, thread.messageCount);
  return thread.backend === 'responses'
    ? vscode.l10n.t('Delete "{0}" ({1} messages) and its conversation on the server?', thread.title, thread.messageCount)
    : vscode.l10n.t('Delete "{0}" ({1} messages) and its thread on the server?', thread.title, thread.messageCount);
}

/** What can and cannot be undone: the local copy waits in the trash; a server copy is gone for good. */
function deleteDetail(thread: ThreadMeta): string {
  const local = vscode.l10n.t('It moves to Recently Deleted, where you can restore it for {0} days.', TRASH_DAYS);
  if (!thread.remoteId) return local;
  return `${local} ${vscode.l10n.t('Deleting on the server cannot be undone: a restored thread starts a new server copy with its history.')}`;
}

/** What Check Threads on the Server found. */
function reconcileSummary(result: ReconcileResult): string {
  const checked = result.checked === 1
    ? vscode.l10n.t('Threadline: checked 1 thread; {0} no longer exist on the server and are kept here (the next message starts a new server thread with their history).', result.gone.length)
    : vscode.l10n.t('Threadline: checked {0} threads; {1} no longer exist on the server and are kept here (the next message starts a new server thread with their history).', result.checked, result.gone.length);
  if (!result.failed.length) return checked;
  return `${checked} ${vscode.l10n.t('{0} could not be checked ({1}).', result.failed.length, result.failed[0]!.error)}`;
}

/** The thread's title as a file name in the first workspace folder (the dialog's own default without one). */
function defaultExportUri(title: string, extension: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) return undefined;
  const name = title.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 80).trim() || 'thread';
  return vscode.Uri.joinPath(folder, `${name}.${extension}`);
}

/** A Quick Pick that searches every thread as the user types. */
async function pickSearchHit(prompts: Prompts, store: ThreadStore): Promise<{ threadId: string; messageId?: string } | undefined> {
  const picked = await prompts.search(vscode.l10n.t('Threadline: search all threads (titles, messages, attachment names)'), async (value) =>
    (await searchThreads(store, value)).map((h) => ({ label: h.title, description: h.field, detail: h.snippet, alwaysShow: true, hit: { threadId: h.threadId, ...(h.messageId ? { messageId: h.messageId } : {}) } })),
  );
  return picked?.hit;
}

/**
 * An export is for sharing or keeping: the local paths and hashes attachments were read from stay
 * on this machine (and the import format does not take them).
 */
function withoutSources(messages: readonly Message[]): Message[] {
  return messages.map((m) => (m.content.some((p) => p.type === 'file' && p.source) ? { ...m, content: m.content.map(withoutSource) } : m));
}
