import * as vscode from 'vscode';
import { listModels } from '../../core/backends/models';
import { describeError } from '../../core/backends/errors';
import { adoptRemoteIds, dialectOfRemoteId, parseRemoteIds } from '../../core/chat/adoptRemote';
import type { AdoptResult } from '../../core/chat/adoptRemote';
import { listThreads } from '../../core/library/threadQuery';
import { summarizeThread } from '../../shared/threadSummary';
import { connectionFor } from '../connection/backends';
import { readSettings, updateUserSetting } from '../connection/settings';
import type { Prompts } from '../prompts';
import { chooseAssistant } from './assistantPicker';
import type { CommandDeps } from './commandDeps';
import type { PanelTarget } from './panelTarget';
import { attachToSession, chooseBackend, setContextLimits, setRunLimits } from './sessionCommands';

/**
 * The palette commands. Each is a thin call into a panel, the chat service or the key store;
 * those about "the current thread" act on the Threadline editor tab the user is in, else on the
 * side panel (Sessions.target). Every question goes through `prompts`; a command takes an
 * argument only where a menu passes one (the file a context menu was opened on).
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { apiKey, sessions, view, editors, threads, store, prompts } = deps;
  return [
    // No argument: any extension or command link could otherwise silently swap in another
    // account's key and read the user's chats. Only the user types it (or a test run answers).
    vscode.commands.registerCommand('threadline.setApiKey', async () => {
      const value = await prompts().ask({
        title: vscode.l10n.t('Threadline: Set API Key'),
        prompt: vscode.l10n.t('Stored in VS Code SecretStorage only. Local servers accept any non-empty key.'),
        placeHolder: 'sk-…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a key, or press Escape to cancel.') : undefined),
      });
      if (value === undefined || value.trim() === '') return;
      await apiKey.set(value);
      void prompts().info(vscode.l10n.t('Threadline: API key saved in SecretStorage.'));
    }),
    vscode.commands.registerCommand('threadline.clearApiKey', async () => {
      await apiKey.clear();
      void prompts().info(vscode.l10n.t('Threadline: API key removed.'));
    }),
    vscode.commands.registerCommand('threadline.newThread', () => sessions.target().newThread()),
    // The side panel's own + button: its thread, even while a Threadline tab is the active editor.
    vscode.commands.registerCommand('threadline.sidePanel.newThread', () => view.newThread()),
    vscode.commands.registerCommand('threadline.attachFile', () => attachToSession(sessions.target(), 'file', undefined)),
    // From the explorer's context menu, the image it was opened on; from the palette, one picked.
    vscode.commands.registerCommand('threadline.attachImage', (uri?: unknown) => attachToSession(sessions.target(), 'image', uri)),
    // Context menus: the file (explorer or editor) or the selection goes to the current thread.
    // The panel then has the focus, the cursor in the composer, to ask about the file.
    vscode.commands.registerCommand('threadline.askAboutFile', async (uri?: unknown) => {
      const session = sessions.target();
      const attached = await attachToSession(session, 'file', uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri);
      if (attached) session.focusComposer();
      return attached;
    }),
    vscode.commands.registerCommand('threadline.askAboutSelection', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.selection.isEmpty) return false;
      await sessions.target().insertDraft(selectionAsDraft(editor));
      return true;
    }),
    vscode.commands.registerCommand('threadline.switchThread', async () => {
      const session = sessions.target();
      const id = (await pickThread(prompts(), session))?.id;
      if (id) await session.showThread(id);
      return id;
    }),
    // The side panel's thread (its title bar button and its Open in Editor button). Returns the
    // id of the thread the tab shows.
    vscode.commands.registerCommand('threadline.openThreadInEditor', async () => {
      const id = await view.ensureThread();
      editors.open(id);
      return id;
    }),
    vscode.commands.registerCommand('threadline.focus', () => view.focusComposer()),
    vscode.commands.registerCommand('threadline.stop', () => {
      const stopped = sessions.target().stop();
      if (!stopped) void prompts().info(vscode.l10n.t('Threadline: no reply is streaming in the open thread.'));
      return stopped;
    }),
    // Sends the composer's text of the panel with the focus (its keybinding), else of the target.
    vscode.commands.registerCommand('threadline.send', () => sessions.target().submitDraft()),
    vscode.commands.registerCommand('threadline.chooseBackend', () => chooseBackend(sessions.target())),
    vscode.commands.registerCommand('threadline.chooseModel', async () => {
      const settings = readSettings();
      let models: string[] = [];
      try {
        models = await listModels(connectionFor(settings, apiKey));
      } catch (err) {
        void prompts().warn(vscode.l10n.t('Threadline: could not list models ({0}). Type a model name instead.', describeError(err).message));
      }
      const picked = models.length
        ? (await prompts().pick(models.map((label) => ({ label })), { title: vscode.l10n.t('Threadline: model ({0})', settings.provider.label), placeHolder: settings.model }))?.label
        : await prompts().ask({ title: vscode.l10n.t('Threadline: model'), value: settings.model });
      if (picked?.trim()) await updateUserSetting('model', picked.trim());
    }),
    // Adopts server threads the library lacks, by id (nothing lists them); one id opens it.
    vscode.commands.registerCommand('threadline.openRemoteThread', async () => {
      const text = await prompts().ask({
        title: vscode.l10n.t('Threadline: open threads from the server'),
        prompt: vscode.l10n.t('One or more conversation ids (conv_…, Conversations + Responses) or Assistants thread ids (thread_…), separated by spaces or commas. Servers cannot list them, so paste the ids.'),
        ignoreFocusOut: true,
        validateInput: (v) => {
          const ids = parseRemoteIds(v);
          const bad = ids.find((i) => !dialectOfRemoteId(i));
          return ids.length === 0 || bad ? vscode.l10n.t('Ids start with conv_ or thread_ ({0} does not).', bad ?? '…') : undefined;
        },
      });
      const ids = parseRemoteIds(text ?? '');
      if (ids.length === 0) return undefined;
      const result = await prompts().progress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: reading {0}', ids.join(', ')), cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return adoptRemoteIds({ list: () => store.list(), openRemote: (kind, remoteId, signal) => threads.openRemote(kind, remoteId, signal) }, ids, abort.signal);
        },
      );
      const opened = result.adopted.at(-1)?.id ?? result.known.at(-1)?.threadId;
      if (opened) await sessions.target().showThread(opened);
      const summary = adoptSummary(result);
      if (result.failed.length) void prompts().error(summary);
      else if (ids.length > 1 || result.known.length) void prompts().info(summary);
      return opened;
    }),
    vscode.commands.registerCommand('threadline.chooseAssistant', () => chooseAssistant(prompts(), apiKey)),
    vscode.commands.registerCommand('threadline.setRunLimits', () => setRunLimits(sessions.target())),
    vscode.commands.registerCommand('threadline.setContextLimits', () => setContextLimits(sessions.target())),
  ];
}

/** A Quick Pick of the library: title, last activity, message count, dialect and folder. */
function pickThread(prompts: Prompts, session: PanelTarget): Thenable<{ id: string } | undefined> {
  const now = Date.now();
  return prompts.pick(
    listThreads(session.allThreads(), { includeArchived: true }).map((t) => {
      const s = summarizeThread(t, now);
      return {
        id: t.id,
        label: `${t.pinned ? '$(pinned) ' : ''}${t.archived ? '$(archive) ' : ''}${s.title}`,
        description: `${s.messages} · ${s.backend}`,
        detail: `${vscode.l10n.t('Last activity {0}', s.lastActivity)}${s.folder ? ` · ${s.folder}` : ''}`,
        picked: t.id === session.currentThreadId,
      };
    }),
    { title: vscode.l10n.t('Threadline: switch thread'), matchOnDescription: true, matchOnDetail: true },
  );
}

/** The selection as a fenced block headed by the file's workspace path and line range. */
export function selectionAsDraft(editor: vscode.TextEditor): string {
  const { document, selection } = editor;
  const text = document.getText(selection);
  const first = selection.start.line + 1;
  const last = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
  const where = `${vscode.workspace.asRelativePath(document.uri)}:${first === last ? first : `${first}-${last}`}`;
  const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${where}\n${fence}${document.languageId}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}\n`;
}

/** One line on what adopting server threads by id did. */
function adoptSummary(result: AdoptResult): string {
  const parts = [vscode.l10n.t('Threadline: {0} thread(s) read from the server', result.adopted.length)];
  if (result.known.length) parts.push(vscode.l10n.t('{0} already in the library', result.known.length));
  if (result.failed.length) parts.push(vscode.l10n.t('{0} could not be read ({1}: {2})', result.failed.length, result.failed[0]!.remoteId, result.failed[0]!.error));
  return parts.join('; ') + '.';
}
