import * as vscode from 'vscode';
import { createAssistant, listAssistants } from '../core/backends/assistants/catalog';
import { listModels } from '../core/backends/models';
import { describeError } from '../core/errors';
import type { ChatService } from '../core/chatService';
import type { BackendKind } from '../core/model';
import { listThreads } from '../core/threadQuery';
import { summarizeThread } from '../shared/threadSummary';
import type { ApiKeyStore } from './apiKey';
import { connectionFor } from './backends';
import type { ChatHost } from './chatHost';
import type { ChatViewProvider } from './chatViewProvider';
import type { EditorPanels } from './editorPanels';
import type { PanelSession } from './panelSession';
import { attachToSession, chooseBackend, setContextLimits, setRunLimits } from './sessionCommands';
import { readSettings, updateUserSetting } from './settings';

/**
 * The palette commands. Each is a thin call into a panel, the chat service or the key store;
 * those about "the current thread" act on the Threadline editor tab the user is in, else on the
 * side panel (ChatHost.target).
 */
export function registerCommands(apiKey: ApiKeyStore, host: ChatHost, view: ChatViewProvider, editors: EditorPanels, chat: ChatService): vscode.Disposable[] {
  return [
    // An explicit argument lets automation (and our integration tests) set the key without the
    // input box; the value is still only ever written to SecretStorage.
    vscode.commands.registerCommand('threadline.setApiKey', async (key?: unknown) => {
      const value =
        typeof key === 'string'
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
    vscode.commands.registerCommand('threadline.newThread', () => host.target().newThread()),
    // The side panel's own + button: its thread, even while a Threadline tab is the active editor.
    vscode.commands.registerCommand('threadline.sidePanel.newThread', () => view.newThread()),
    vscode.commands.registerCommand('threadline.attachFile', (uri?: unknown) => attachToSession(host.target(), 'file', uri)),
    vscode.commands.registerCommand('threadline.attachImage', (uri?: unknown) => attachToSession(host.target(), 'image', uri)),
    // Context menus: the file (explorer or editor) or the selection goes to the current thread.
    // The panel then has the focus, the cursor in the composer, to ask about the file.
    vscode.commands.registerCommand('threadline.askAboutFile', async (uri?: unknown) => {
      const session = host.target();
      const attached = await attachToSession(session, 'file', uri ?? vscode.window.activeTextEditor?.document.uri);
      if (attached) session.focusComposer();
      return attached;
    }),
    vscode.commands.registerCommand('threadline.askAboutSelection', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.selection.isEmpty) return false;
      await host.target().insertDraft(selectionAsDraft(editor));
      return true;
    }),
    vscode.commands.registerCommand('threadline.switchThread', async (threadId?: unknown) => {
      const session = host.target();
      const id = typeof threadId === 'string' ? threadId : (await pickThread(session))?.id;
      if (id) await session.showThread(id);
      return id;
    }),
    // With no argument, the side panel's thread. Returns the id of the thread the tab shows.
    vscode.commands.registerCommand('threadline.openThreadInEditor', async (threadId?: unknown) => {
      const id = typeof threadId === 'string' && host.store.get(threadId) ? threadId : await view.ensureThread();
      editors.open(id);
      return id;
    }),
    vscode.commands.registerCommand('threadline.focus', () => view.focusComposer()),
    vscode.commands.registerCommand('threadline.stop', () => {
      const stopped = host.target().stop();
      if (!stopped) void vscode.window.showInformationMessage(vscode.l10n.t('Threadline: no reply is streaming in the open thread.'));
      return stopped;
    }),
    // Sends the composer's text of the panel with the focus (its keybinding), else of the target.
    vscode.commands.registerCommand('threadline.send', () => host.target().submitDraft()),
    vscode.commands.registerCommand('threadline.chooseBackend', (kind?: unknown) => chooseBackend(host.target(), kind)),
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
    vscode.commands.registerCommand('threadline.openRemoteThread', async (id?: unknown) => {
      const remoteId = (typeof id === 'string' ? id : await vscode.window.showInputBox({
        title: vscode.l10n.t('Threadline: open a thread from the server'),
        prompt: vscode.l10n.t('A conversation id (conv_…, Conversations + Responses) or a thread id (thread_…, Assistants v2). Servers cannot list them, so paste the id.'),
        validateInput: (v) => (dialectOfRemoteId(v.trim()) ? undefined : vscode.l10n.t('Ids start with conv_ or thread_.')),
      }))?.trim();
      const kind = remoteId ? dialectOfRemoteId(remoteId) : undefined;
      if (!remoteId || !kind) return undefined;
      try {
        const thread = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: reading {0}', remoteId), cancellable: true },
          (_progress, token) => {
            const abort = new AbortController();
            token.onCancellationRequested(() => abort.abort());
            return chat.openRemote(kind, remoteId, abort.signal);
          },
        );
        await host.target().showThread(thread.id);
        return thread.id;
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Threadline: {0}', err instanceof Error ? err.message : String(err)));
        return undefined;
      }
    }),
    // Assistants v2: run one of the server's assistants, or create one (model, instructions).
    // An argument `{ id }` or `{ create: { name?, instructions? } }` skips the pickers (tests).
    vscode.commands.registerCommand('threadline.chooseAssistant', async (arg?: unknown) => {
      const settings = readSettings();
      const connection = connectionFor(settings, apiKey);
      try {
        let id = typeof arg === 'object' && arg !== null && 'id' in arg && typeof arg.id === 'string' ? arg.id : undefined;
        let create = typeof arg === 'object' && arg !== null && 'create' in arg ? (arg.create as { name?: string; instructions?: string }) : undefined;
        if (!id && !create) {
          const assistants = await listAssistants(connection);
          const createItem = { label: `$(add) ${vscode.l10n.t('Create a new assistant…')}`, id: '' };
          const picked = await vscode.window.showQuickPick([createItem, ...assistants.map((a) => ({ label: a.name || a.id, description: a.model, detail: a.instructions.slice(0, 120), id: a.id }))], {
            title: vscode.l10n.t('Threadline: assistant for Assistants v2 threads ({0})', settings.baseUrl),
          });
          if (!picked) return undefined;
          if (picked.id) id = picked.id;
          else {
            const instructions = await vscode.window.showInputBox({ title: vscode.l10n.t('New assistant on {0}: instructions', settings.model), prompt: vscode.l10n.t('How the assistant should behave (optional).') });
            if (instructions === undefined) return undefined;
            create = { instructions };
          }
        }
        if (create) id = (await createAssistant(connection, { name: create.name ?? 'Threadline', model: settings.model, instructions: create.instructions ?? '' })).id;
        if (!id) return undefined;
        await vscode.workspace.getConfiguration('threadline').update('assistantId', id, vscode.ConfigurationTarget.Global);
        return id;
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Threadline: {0}', describeError(err).message));
        return undefined;
      }
    }),
    vscode.commands.registerCommand('threadline.setRunLimits', (limits?: unknown) => setRunLimits(host.target(), limits)),
    vscode.commands.registerCommand('threadline.setContextLimits', (limits?: unknown) => setContextLimits(host.target(), limits)),
  ];
}

/** A Quick Pick of the library: title, last activity, message count, dialect and folder. */
function pickThread(session: PanelSession): Thenable<{ id: string } | undefined> {
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

/** Conversations are `conv_…`, Assistants threads `thread_…` (the ids' documented prefixes). */
function dialectOfRemoteId(id: string): BackendKind | undefined {
  if (/^conv_\w+$/.test(id)) return 'responses';
  if (/^thread_\w+$/.test(id)) return 'assistants';
  return undefined;
}
