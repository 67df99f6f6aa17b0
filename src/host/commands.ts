import * as vscode from 'vscode';
import { createAssistant, listAssistants } from '../core/backends/assistants/catalog';
import { listModels } from '../core/backends/models';
import { describeError } from '../core/errors';
import type { ChatService } from '../core/chatService';
import type { BackendKind, ContextLimits } from '../core/model';
import { BACKEND_LABELS } from '../core/providers';
import { listThreads } from '../core/threadQuery';
import type { ApiKeyStore } from './apiKey';
import { connectionFor } from './backends';
import type { ChatViewProvider } from './chatViewProvider';
import { readSettings, updateUserSetting } from './settings';

const IMAGE_FILTERS = { Images: ['png', 'jpg', 'jpeg', 'gif', 'webp'] };

/** The palette commands. Each is a thin call into the view, the chat service or the key store. */
export function registerCommands(apiKey: ApiKeyStore, view: ChatViewProvider, chat: ChatService): vscode.Disposable[] {
  return [
    // An explicit argument lets automation (and our integration tests) set the key without the
    // input box; the value is still only ever written to SecretStorage.
    vscode.commands.registerCommand('threadline.setApiKey', async (key?: unknown) => {
      const value =
        typeof key === 'string'
          ? key
          : await vscode.window.showInputBox({
              title: 'Threadline: Set API Key',
              prompt: 'Stored in VS Code SecretStorage only. Local servers accept any non-empty key.',
              placeHolder: 'sk-…',
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() === '' ? 'Enter a key, or press Escape to cancel.' : undefined),
            });
      if (value === undefined || value.trim() === '') return;
      await apiKey.set(value);
      void vscode.window.showInformationMessage('Threadline: API key saved in SecretStorage.');
    }),
    vscode.commands.registerCommand('threadline.clearApiKey', async () => {
      await apiKey.clear();
      void vscode.window.showInformationMessage('Threadline: API key removed.');
    }),
    vscode.commands.registerCommand('threadline.newThread', () => view.newThread()),
    vscode.commands.registerCommand('threadline.attachFile', (uri?: unknown) => attach(view, 'file', uri)),
    vscode.commands.registerCommand('threadline.attachImage', (uri?: unknown) => attach(view, 'image', uri)),
    // Context menus: the file (explorer or editor) or the selection goes to the current thread.
    vscode.commands.registerCommand('threadline.askAboutFile', (uri?: unknown) => attach(view, 'file', uri ?? vscode.window.activeTextEditor?.document.uri)),
    vscode.commands.registerCommand('threadline.askAboutSelection', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.selection.isEmpty) return false;
      await view.insertDraft(selectionAsDraft(editor));
      return true;
    }),
    vscode.commands.registerCommand('threadline.switchThread', async (threadId?: unknown) => {
      const id = typeof threadId === 'string' ? threadId : (await pickThread(view))?.id;
      if (id) await view.showThread(id);
      return id;
    }),
    vscode.commands.registerCommand('threadline.focus', () => view.reveal()),
    vscode.commands.registerCommand('threadline.stop', () => view.stop()),
    vscode.commands.registerCommand('threadline.chooseBackend', async (kind?: unknown) => {
      const picked = isBackend(kind)
        ? kind
        : (
            await vscode.window.showQuickPick(
              (Object.keys(BACKEND_LABELS) as BackendKind[]).map((k) => ({ label: BACKEND_LABELS[k], dialect: k })),
              { title: 'Threadline: dialect for this thread and new threads' },
            )
          )?.dialect;
      if (!picked) return;
      await updateUserSetting('backend', picked);
      const threadId = view.currentThreadId;
      if (threadId) await chat.setBackend(threadId, picked);
      await view.refresh();
    }),
    vscode.commands.registerCommand('threadline.chooseModel', async (model?: unknown) => {
      let picked = typeof model === 'string' ? model : undefined;
      if (!picked) {
        const settings = readSettings();
        let models: string[] = [];
        try {
          models = await listModels(connectionFor(settings, apiKey));
        } catch (err) {
          void vscode.window.showWarningMessage(`Threadline: could not list models (${describeError(err).message}). Type a model name instead.`);
        }
        picked = models.length
          ? (await vscode.window.showQuickPick(models, { title: `Threadline: model (${settings.provider.label})`, placeHolder: settings.model }))
          : await vscode.window.showInputBox({ title: 'Threadline: model', value: settings.model });
      }
      if (picked?.trim()) await updateUserSetting('model', picked.trim());
    }),
    vscode.commands.registerCommand('threadline.openRemoteThread', async (id?: unknown) => {
      const remoteId = (typeof id === 'string' ? id : await vscode.window.showInputBox({
        title: 'Threadline: open a thread from the server',
        prompt: 'A conversation id (conv_…, Conversations + Responses) or a thread id (thread_…, Assistants v2). Servers cannot list them, so paste the id.',
        validateInput: (v) => (dialectOfRemoteId(v.trim()) ? undefined : 'Ids start with conv_ or thread_.'),
      }))?.trim();
      const kind = remoteId ? dialectOfRemoteId(remoteId) : undefined;
      if (!remoteId || !kind) return undefined;
      try {
        const thread = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Threadline: reading ${remoteId}`, cancellable: true },
          (_progress, token) => {
            const abort = new AbortController();
            token.onCancellationRequested(() => abort.abort());
            return chat.openRemote(kind, remoteId, abort.signal);
          },
        );
        await view.showThread(thread.id);
        return thread.id;
      } catch (err) {
        void vscode.window.showErrorMessage(`Threadline: ${err instanceof Error ? err.message : String(err)}`);
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
          const createItem = { label: '$(add) Create a new assistant…', id: '' };
          const picked = await vscode.window.showQuickPick([createItem, ...assistants.map((a) => ({ label: a.name || a.id, description: a.model, detail: a.instructions.slice(0, 120), id: a.id }))], {
            title: `Threadline: assistant for Assistants v2 threads (${settings.baseUrl})`,
          });
          if (!picked) return undefined;
          if (picked.id) id = picked.id;
          else {
            const instructions = await vscode.window.showInputBox({ title: `New assistant on ${settings.model}: instructions`, prompt: 'How the assistant should behave (optional).' });
            if (instructions === undefined) return undefined;
            create = { instructions };
          }
        }
        if (create) id = (await createAssistant(connection, { name: create.name ?? 'Threadline', model: settings.model, instructions: create.instructions ?? '' })).id;
        if (!id) return undefined;
        await vscode.workspace.getConfiguration('threadline').update('assistantId', id, vscode.ConfigurationTarget.Global);
        return id;
      } catch (err) {
        void vscode.window.showErrorMessage(`Threadline: ${describeError(err).message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('threadline.setRunLimits', async (limits?: unknown) => {
      const value = isLimits(limits) ? limits : await askLimits();
      if (value !== null) await view.setRunLimits(value);
    }),
    vscode.commands.registerCommand('threadline.setContextLimits', async (limits?: unknown) => {
      const threadId = await view.ensureThread();
      const value = isLimits(limits) ? limits : await askLimits();
      if (value === null) return;
      await chat.setLimits(threadId, value);
      await view.refresh();
    }),
  ];
}

/** A Quick Pick of the library: title, last activity, message count and dialect. */
function pickThread(view: ChatViewProvider): Thenable<{ id: string } | undefined> {
  const now = Date.now();
  return vscode.window.showQuickPick(
    listThreads(view.allThreads(), { includeArchived: true }).map((t) => ({
      id: t.id,
      label: `${t.pinned ? '$(pinned) ' : ''}${t.archived ? '$(archive) ' : ''}${t.title}`,
      description: `${t.messageCount} message${t.messageCount === 1 ? '' : 's'} · ${BACKEND_LABELS[t.backend]}`,
      detail: `Last activity ${relativeTime(now - t.updatedAt)}${t.workspaceFolder ? ` · ${t.workspaceFolder}` : ''}`,
      picked: t.id === view.currentThreadId,
    })),
    { title: 'Threadline: switch thread', matchOnDescription: true, matchOnDetail: true },
  );
}

function relativeTime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
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

async function attach(view: ChatViewProvider, kind: 'file' | 'image', uri: unknown): Promise<boolean> {
  const target =
    uri instanceof vscode.Uri
      ? uri
      : (await vscode.window.showOpenDialog({ canSelectMany: false, title: kind === 'image' ? 'Attach image' : 'Attach file', ...(kind === 'image' ? { filters: IMAGE_FILTERS } : {}) }))?.[0];
  if (!target) return false;
  view.reveal();
  return view.attach(kind, target);
}

/** Three small questions; Escape at any point cancels (null), an empty answer means "no limit". */
async function askLimits(): Promise<ContextLimits | undefined | null> {
  const positive = (v: string) => (v.trim() === '' || /^[1-9]\d*$/.test(v.trim()) ? undefined : 'A whole number above 0, or empty for no limit.');
  const prompt = await vscode.window.showInputBox({ title: 'Max prompt tokens (empty: no limit)', validateInput: positive });
  if (prompt === undefined) return null;
  const completion = await vscode.window.showInputBox({ title: 'Max completion tokens (empty: no limit)', validateInput: positive });
  if (completion === undefined) return null;
  const truncation = await vscode.window.showQuickPick(['auto', 'last messages…', 'none'], { title: 'Truncation' });
  if (truncation === undefined) return null;
  const limits: ContextLimits = {};
  if (prompt.trim()) limits.maxPromptTokens = Number(prompt);
  if (completion.trim()) limits.maxCompletionTokens = Number(completion);
  if (truncation === 'auto') limits.truncation = { type: 'auto' };
  if (truncation === 'last messages…') {
    const n = await vscode.window.showInputBox({ title: 'Keep the last N messages', validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A whole number above 0.') });
    if (n === undefined) return null;
    limits.truncation = { type: 'last_messages', lastMessages: Number(n) };
  }
  return Object.keys(limits).length ? limits : undefined;
}

/** Conversations are `conv_…`, Assistants threads `thread_…` (the ids' documented prefixes). */
function dialectOfRemoteId(id: string): BackendKind | undefined {
  if (/^conv_\w+$/.test(id)) return 'responses';
  if (/^thread_\w+$/.test(id)) return 'assistants';
  return undefined;
}

function isBackend(value: unknown): value is BackendKind {
  return typeof value === 'string' && value in BACKEND_LABELS;
}

function isLimits(value: unknown): value is ContextLimits {
  return typeof value === 'object' && value !== null;
}
