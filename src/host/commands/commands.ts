import * as vscode from 'vscode';
import { listModels } from '../../core/backends/models';
import { describeError } from '../../core/backends/errors';
import { adoptRemoteIds, dialectOfRemoteId, parseRemoteIds } from '../../core/chat/adoptRemote';
import type { AdoptResult } from '../../core/chat/adoptRemote';
import { listThreads } from '../../core/library/threadQuery';
import { summarizeThread } from '../../shared/threadSummary';
import { connectionFor } from '../connection/backends';
import { readSettings, updateUserSetting } from '../connection/settings';
import { chooseAssistant } from './assistantPicker';
import type { CommandDeps } from './commandDeps';
import type { PanelTarget } from './panelTarget';
import { attachToSession, chooseBackend, setContextLimits, setRunLimits } from './sessionCommands';

/**
 * The palette commands. Each is a thin call into a panel, the chat service or the key store;
 * those about "the current thread" act on the Threadline editor tab the user is in, else on the
 * side panel (Sessions.target).
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { apiKey, sessions, view, editors, threads, store, testMode } = deps;
  return [
    // Only an integration test run may pass the key as an argument: otherwise any extension or
    // command link could silently swap in another account's key and read the user's chats.
    vscode.commands.registerCommand('threadline.setApiKey', async (key?: unknown) => {
      const value =
        testMode && typeof key === 'string'
          ? key
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Threadline: Set API Key'),
              prompt: vscode.l10n.t('Stored in VS Code SecretStorage only. Local servers accept any non-empty key.'),
              placeHolder: 'sk-…',
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a key, or press Escape to cancel.') : undefined),
            });
      if (value === undefined || value.trim() === '') return;
      await apiKey.set(value);
      void vscode.window.showInformationMessage(vscode.l10n.t('Threadline: API key saved in SecretStorage.'));
    }),
    vscode.commands.registerCommand('threadline.clearApiKey', async () => {
      await apiKey.clear();
      void vscode.window.showInformationMessage(vscode.l10n.t('Threadline: API key removed.'));
    }),
    vscode.commands.registerCommand('threadline.newThread', () => sessions.target().newThread()),
    // The side panel's own + button: its thread, even while a Threadline tab is the active editor.
    vscode.commands.registerCommand('threadline.sidePanel.newThread', () => view.newThread()),
    vscode.commands.registerCommand('threadline.attachFile', (uri?: unknown) => attachToSession(sessions.target(), 'file', uri)),
    vscode.commands.registerCommand('threadline.attachImage', (uri?: unknown) => attachToSession(sessions.target(), 'image', uri)),
    // Context menus: the file (explorer or editor) or the selection goes to the current thread.
    // The panel then has the focus, the cursor in the composer, to ask about the file.
    vscode.commands.registerCommand('threadline.askAboutFile', async (uri?: unknown) => {
      const session = sessions.target();
      const attached = await attachToSession(session, 'file', uri ?? vscode.window.activeTextEditor?.document.uri);
      if (attached) session.focusComposer();
      return attached;
    }),
    vscode.commands.registerCommand('threadline.askAboutSelection', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.selection.isEmpty) return false;
      await sessions.target().insertDraft(selectionAsDraft(editor));
      return true;
    }),
    vscode.commands.registerCommand('threadline.switchThread', async (threadId?: unknown) => {
      const session = sessions.target();
      const id = typeof threadId === 'string' ? threadId : (await pickThread(session))?.id;
      if (id) await session.showThread(id);
      return id;
    }),
    // With no argument, the side panel's thread. Returns the id of the thread the tab shows.
    vscode.commands.registerCommand('threadline.openThreadInEditor', async (threadId?: unknown) => {
      const id = typeof threadId === 'string' && store.get(threadId) ? threadId : await view.ensureThread();
      editors.open(id);
      return id;
    }),
    vscode.commands.registerCommand('threadline.focus', () => view.focusComposer()),
    vscode.commands.registerCommand('threadline.stop', () => {
      const stopped = sessions.target().stop();
      if (!stopped) void vscode.window.showInformationMessage(vscode.l10n.t('Threadline: no reply is streaming in the open thread.'));
      return stopped;
    }),
    // Sends the composer's text of the panel with the focus (its keybinding), else of the target.
    vscode.commands.registerCommand('threadline.send', () => sessions.target().submitDraft()),
    vscode.commands.registerCommand('threadline.chooseBackend', (kind?: unknown) => chooseBackend(sessions.target(), kind)),
    vscode.commands.registerCommand('threadline.chooseModel', async (model?: unknown) => {
      let picked = typeof model === 'string' ? model : undefined;
      if (!picked) {
        const settings = readSettings();
        let models: string[] = [];
        try {
          models = await listModels(connectionFor(settings, apiKey));
        } catch (err) {
          void vscode.window.showWarningMessage(vscode.l10n.t('Threadline: could not list models ({0}). Type a model name instead.', describeError(err).message));
        }
        picked = models.length
          ? (await vscode.window.showQuickPick(models, { title: vscode.l10n.t('Threadline: model ({0})', settings.provider.label), placeHolder: settings.model }))
          : await vscode.window.showInputBox({ title: vscode.l10n.t('Threadline: model'), value: settings.model });
      }
      if (picked?.trim()) await updateUserSetting('model', picked.trim());
    }),
    // Adopts server threads the library lacks, by id (nothing lists them); one id opens it.
    vscode.commands.registerCommand('threadline.openRemoteThread', async (id?: unknown) => {
      const text = typeof id === 'string' ? id : await vscode.window.showInputBox({
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
      const result = await vscode.window.withProgress(
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
      if (result.failed.length) void vscode.window.showErrorMessage(summary);
      else if (ids.length > 1 || result.known.length) void vscode.window.showInformationMessage(summary);
      return opened;
    }),
    // An argument `{ id }` or `{ create: { name?, model?, instructions? } }` skips the questions.
    vscode.commands.registerCommand('threadline.chooseAssistant', (arg?: unknown) => chooseAssistant(deps.prompts(), apiKey, arg)),
    vscode.commands.registerCommand('threadline.setRunLimits', (limits?: unknown) => setRunLimits(sessions.target(), limits)),
    vscode.commands.registerCommand('threadline.setContextLimits', (limits?: unknown) => setContextLimits(sessions.target(), limits)),
  ];
}

/** A Quick Pick of the library: title, last activity, message count, dialect and folder. */
function pickThread(session: PanelTarget): Thenable<{ id: string } | undefined> {
  const now = Date.now();
  return vscode.window.showQuickPick(
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
