// Palette commands that manage the library: rename, pin, archive, delete, search, export, import.
// Each takes an optional argument so it can be driven without its pickers (tests, keybindings).
import * as vscode from 'vscode';
import type { ChatService } from '../core/chatService';
import { parseThreadJson, toJson, toMarkdown } from '../core/exportThread';
import type { ThreadStore } from '../core/threadStore';
import { messageText } from '../core/model';
import { searchThreads } from '../core/search';
import type { ChatViewProvider } from './chatViewProvider';
import { workspaceInit } from './workspace';

export function registerThreadCommands(store: ThreadStore, chat: ChatService, view: ChatViewProvider): vscode.Disposable[] {
  /** The thread a command acts on: its argument, else the open one. */
  const target = (arg: unknown): string | undefined => (typeof arg === 'string' && store.get(arg) ? arg : view.currentThreadId);
  const guarded = <A extends unknown[]>(run: (...args: A) => Promise<unknown>) => async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      void vscode.window.showErrorMessage(`Threadline: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  return [
    vscode.commands.registerCommand('threadline.renameThread', guarded(async (threadId?: unknown, title?: unknown) => {
      const id = target(threadId);
      if (!id) return;
      const name = typeof title === 'string' ? title : await vscode.window.showInputBox({ title: 'Threadline: rename thread', value: store.get(id)!.title });
      if (name !== undefined) await chat.rename(id, name);
    })),
    vscode.commands.registerCommand('threadline.togglePin', guarded(async (threadId?: unknown) => {
      const id = target(threadId);
      if (id) await chat.setPinned(id, !store.get(id)!.pinned);
    })),
    vscode.commands.registerCommand('threadline.toggleArchive', guarded(async (threadId?: unknown) => {
      const id = target(threadId);
      if (id) await chat.setArchived(id, !store.get(id)!.archived);
    })),
    vscode.commands.registerCommand('threadline.deleteThread', guarded(async (threadId?: unknown, confirmed?: unknown) => {
      const id = target(threadId);
      if (!id) return false;
      const thread = store.get(id)!;
      const remote = thread.remoteId ? ` and its ${thread.backend === 'responses' ? 'conversation' : 'thread'} on the server` : '';
      if (confirmed !== true) {
        const answer = await vscode.window.showWarningMessage(`Delete "${thread.title}" (${thread.messageCount} messages)${remote}? This cannot be undone.`, { modal: true }, 'Delete');
        if (answer !== 'Delete') return false;
      }
      await chat.delete(id, { remote: true });
      if (view.currentThreadId === undefined) await view.refresh();
      return true;
    })),
    vscode.commands.registerCommand('threadline.search', guarded(async (query?: unknown) => {
      const picked = typeof query === 'string' ? (await searchThreads(store, query))[0] : await pickSearchHit(store);
      if (!picked) return undefined;
      await view.showThread(picked.threadId);
      if (picked.messageId) view.revealMessage(picked.messageId);
      return picked;
    })),
    vscode.commands.registerCommand('threadline.exportThread', guarded(async (format?: unknown, threadId?: unknown) => {
      const id = target(threadId);
      if (!id) return undefined;
      const kind = format === 'markdown' || format === 'json' ? format : (await vscode.window.showQuickPick(['markdown', 'json'], { title: 'Threadline: export as' }));
      if (!kind) return undefined;
      const thread = store.get(id)!;
      const messages = await store.messages(id);
      if (kind === 'markdown') {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: toMarkdown(thread, messages) });
        await vscode.window.showTextDocument(doc);
        return doc.uri.toString();
      }
      const uri = await vscode.window.showSaveDialog({ filters: { 'Threadline thread': ['json'] }, saveLabel: 'Export' });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(toJson(thread, messages)));
      return uri.toString();
    })),
    vscode.commands.registerCommand('threadline.showBookmarks', guarded(async (pick?: unknown) => {
      const items: (vscode.QuickPickItem & { threadId: string; messageId: string })[] = [];
      for (const thread of store.list()) {
        if (!thread.bookmarks?.length) continue;
        const byId = new Map((await store.messages(thread.id)).map((m) => [m.id, m]));
        for (const messageId of thread.bookmarks) {
          const message = byId.get(messageId);
          if (message) items.push({ label: messageText(message).replace(/\s+/g, ' ').slice(0, 100) || '(attachments)', description: thread.title, threadId: thread.id, messageId });
        }
      }
      const chosen = typeof pick === 'number' ? items[pick] : await vscode.window.showQuickPick(items, { title: 'Threadline: bookmarks', matchOnDescription: true });
      if (!chosen) return items.length;
      await view.showThread(chosen.threadId);
      view.revealMessage(chosen.messageId);
      return items.length;
    })),
    vscode.commands.registerCommand('threadline.reconcile', guarded(async () => {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Threadline: checking threads on the server', cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          return chat.reconcile({
            signal: abort.signal,
            onProgress: (done, total) => {
              progress.report({ message: `${done} of ${total}`, increment: total ? ((done - last) / total) * 100 : 0 });
              last = done;
            },
          });
        },
      );
      const failed = result.failed.length ? ` ${result.failed.length} could not be checked (${result.failed[0]!.error}).` : '';
      void vscode.window.showInformationMessage(
        `Threadline: checked ${result.checked} thread${result.checked === 1 ? '' : 's'}; ${result.gone.length} no longer exist on the server and are kept here (the next message starts a new server thread with their history).${failed}`,
      );
      await view.refresh();
      return result;
    })),
    vscode.commands.registerCommand('threadline.importThread', guarded(async (file?: unknown) => {
      const uri = file instanceof vscode.Uri ? file : (await vscode.window.showOpenDialog({ filters: { 'Threadline thread': ['json'] }, canSelectMany: false }))?.[0];
      if (!uri) return undefined;
      const doc = parseThreadJson(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      const thread = await chat.importThread(doc, workspaceInit());
      await view.showThread(thread.id);
      return thread.id;
    })),
  ];
}

/** A Quick Pick that searches every thread as the user types. */
function pickSearchHit(store: ThreadStore): Promise<{ threadId: string; messageId?: string } | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { hit: { threadId: string; messageId?: string } }>();
    pick.title = 'Threadline: search all threads (titles, messages, attachment names)';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let generation = 0;
    pick.onDidChangeValue(async (value) => {
      const mine = ++generation;
      if (!value.trim()) return void (pick.items = []);
      pick.busy = true;
      const hits = await searchThreads(store, value);
      if (mine !== generation) return;
      pick.busy = false;
      pick.items = hits.map((h) => ({ label: h.title, description: h.field, detail: h.snippet, alwaysShow: true, hit: { threadId: h.threadId, ...(h.messageId ? { messageId: h.messageId } : {}) } }));
    });
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.hit);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
