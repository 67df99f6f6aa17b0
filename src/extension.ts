import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { prepareAttachment } from './core/attachments/prepareAttachment';
import type { Backend } from './core/backends/backend';
import { createChat } from './core/chat/createChat';
import { serverOrigin } from './core/library/roaming';
import { ThreadStore } from './core/library/threadStore';
import type { BackendKind } from './core/model';
import { Attachments } from './host/chat/attachments';
import { NextMessage } from './host/chat/nextMessage';
import { RetiredDialect } from './host/chat/retiredDialect';
import type { CommandDeps } from './host/commands/commandDeps';
import { registerChooseProvider } from './host/commands/chooseProvider';
import { registerCommands } from './host/commands/commands';
import { checkLibrary, openStorageFolder, registerLibraryCommands } from './host/commands/libraryCommands';
import { registerThreadCommands } from './host/commands/threadCommands';
import { ApiKeyStore } from './host/connection/apiKey';
import { createBackend } from './host/connection/backends';
import { cacheSettings, onSettingsChanged, readSettings } from './host/connection/settings';
import { LibraryStatus } from './host/library/libraryStatus';
import { startRetention } from './host/library/retention';
import { RoamingSync } from './host/library/roamingSync';
import { ThreadList } from './host/library/threadList';
import { AttachmentSources } from './host/panel/attachmentSources';
import { ChatViewProvider } from './host/panel/chatViewProvider';
import { EditorPanels } from './host/panel/editorPanels';
import { ImageCache } from './host/panel/imageCache';
import type { PanelServices } from './host/panel/panelServices';
import type { PanelSession } from './host/panel/panelSession';
import { Sessions } from './host/panel/sessions';
import type { Prompts } from './host/prompts';
import { windowPrompts } from './host/prompts';
import { traceToFile } from './host/sendTraceFile';
import type { ThreadlineTestApi } from './host/testApi';

export async function activate(context: vscode.ExtensionContext): Promise<ThreadlineTestApi | undefined> {
  // The core (plain Node, no vscode) says things through @vscode/l10n: hand it VS Code's bundle
  // for the display language (none for English, whose strings are the source's own).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const output = vscode.window.createOutputChannel('Threadline', { log: true });
  context.subscriptions.push(output, cacheSettings());

  // Every window of this machine opens the same library; each hears the others' changes live.
  const store = await ThreadStore.open(context.globalStorageUri.fsPath, { onProblem: (message) => output.warn(message), watch: true });
  openStore = store;
  const apiKey = new ApiKeyStore(context.secrets);
  // Set only by the integration suite (test mode), to stand the stand-in in for another server.
  let testFetch: typeof fetch | undefined;
  const backendFor = (kind: BackendKind): Backend => createBackend(kind, readSettings(), apiKey, testFetch);
  const trace = traceToFile();
  const { events, activity, threads, chat, dispose: disposeChat } = createChat({ store, backendFor, settings: () => readSettings(), onProblem: (m) => output.warn(m), ...(trace ? { trace } : {}) });
  // The window's; a test run answers in place of the user (answerPrompts below).
  let prompts: Prompts = windowPrompts;

  const sessions = new Sessions<PanelSession>(activity, events);
  const nextMessage = new NextMessage();
  const threadList = new ThreadList(store, context.workspaceState, () => prompts);
  const roaming = new RoamingSync(context.globalState, store, threads, activity, events, () => serverOrigin(readSettings().baseUrl));
  threadList.useRoaming(roaming);
  const sources = new AttachmentSources();
  const retired = new RetiredDialect(events, threads, () => prompts, (threadId) => sessions.refreshThread(threadId));
  const services: PanelServices = {
    extensionUri: context.extensionUri,
    store,
    chat,
    threads,
    events,
    apiKey,
    nextMessage,
    attachments: new Attachments({ store, nextMessage, apiKey, prompts: () => prompts, prepare: (threadId, part, data, options) => prepareAttachment({ store, backendFor }, threadId, part, data, options) }),
    sessions,
    threadList,
    sources,
    // Images fetched by file id, shared by every webview (see imageCache.ts).
    images: new ImageCache(path.join(context.globalStorageUri.fsPath, 'image-cache')),
    retired,
    prompts: () => prompts,
    reportRenders: testMode,
    ...(trace ? { trace } : {}),
  };
  const view = new ChatViewProvider(services, context.workspaceState);
  const editors = new EditorPanels(services);
  const commandDeps: CommandDeps = { store, chat, threads, apiKey, sessions, view, editors, prompts: () => prompts, output };
  const libraryDeps = { ...commandDeps, status: () => status };
  const status: LibraryStatus = new LibraryStatus({
    store,
    prompts: () => prompts,
    output,
    checkLibrary: () => checkLibrary(libraryDeps),
    openStorageFolder: () => openStorageFolder(store),
  });
  // `when` clauses see from the start whether the panel has a thread.
  sessions.targetChanged();

  context.subscriptions.push(
    apiKey,
    { dispose: disposeChat },
    sessions,
    nextMessage,
    threadList,
    sources,
    retired,
    view,
    editors,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view, { webviewOptions: { retainContextWhenHidden: false } }),
    ...registerCommands(commandDeps),
    registerChooseProvider(apiKey, () => prompts),
    ...registerThreadCommands(commandDeps),
    ...registerLibraryCommands(libraryDeps),
    status,
    roaming,
    startRetention(store, threads, activity),
    apiKey.onDidChange(() => void sessions.refreshAll()),
    onSettingsChanged(() => void sessions.refreshAll()),
  );

  // Only a test run gets a handle on the internals; other extensions see nothing.
  if (!testMode) return undefined;
  return {
    store,
    view,
    editorPanels: () => editors.list(),
    storageDir: context.globalStorageUri.fsPath,
    roaming,
    globalState: context.globalState,
    workspaceState: context.workspaceState,
    logDir: context.logUri.fsPath,
    answerPrompts: (answers) => {
      const before = prompts;
      prompts = answers ? { ...prompts, ...answers } : windowPrompts;
      return { dispose: () => void (prompts = before) };
    },
    routeRequests: (fetch) => {
      testFetch = fetch;
    },
  };
}

let openStore: ThreadStore | undefined;

/** Lets queued writes finish and leaves an up-to-date index for the next start. */
export async function deactivate(): Promise<void> {
  await openStore?.dispose();
  openStore = undefined;
}
