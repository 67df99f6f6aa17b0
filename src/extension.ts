import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { ChatService } from './core/chat/chatService';
import type { Backend } from './core/backends/backend';
import type { BackendKind } from './core/model';
import { ThreadStore } from './core/library/threadStore';
import { ApiKeyStore } from './host/connection/apiKey';
import { createBackend } from './host/connection/backends';
import { ChatHost } from './host/chat/chatHost';
import { windowPrompts } from './host/prompts';
import { ChatViewProvider } from './host/panel/chatViewProvider';
import { EditorPanels } from './host/panel/editorPanels';
import { registerCommands } from './host/commands/commands';
import { registerChooseProvider } from './host/commands/chooseProvider';
import { startRetention } from './host/library/retention';
import { registerThreadCommands } from './host/commands/threadCommands';
import { checkLibrary, openStorageFolder, registerLibraryCommands } from './host/commands/libraryCommands';
import { LibraryStatus } from './host/library/libraryStatus';
import { RoamingSync } from './host/library/roamingSync';
import { serverOrigin } from './core/library/roaming';
import { onSettingsChanged, readSettings } from './host/connection/settings';
import type { ThreadlineTestApi } from './host/testApi';
import { createTestSeams } from './host/testSeams';

export async function activate(context: vscode.ExtensionContext): Promise<ThreadlineTestApi | undefined> {
  // The core (plain Node, no vscode) says things through @vscode/l10n: hand it VS Code's bundle
  // for the display language (none for English, whose strings are the source's own).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const output = vscode.window.createOutputChannel('Threadline', { log: true });
  context.subscriptions.push(output);

  // Every window of this machine opens the same library; each hears the others' changes live.
  const store = await ThreadStore.open(context.globalStorageUri.fsPath, {
    onProblem: (message) => output.warn(message),
    watch: true,
  });
  openStore = store;
  const apiKey = new ApiKeyStore(context.secrets);
  // Set only by the integration suite (test mode), to stand the stand-in in for another server.
  let testFetch: typeof fetch | undefined;
  const backendFor = (kind: BackendKind): Backend => createBackend(kind, readSettings(), apiKey, testFetch);
  const chat = new ChatService({ store, backendFor, settings: () => readSettings() });
  const seams = testMode ? createTestSeams() : undefined;
  // Shared by every webview; the side panel and each editor tab is a session on it.
  const host = new ChatHost({
    extensionUri: context.extensionUri,
    store,
    chat,
    apiKey,
    workspaceState: context.workspaceState,
    globalStorageUri: context.globalStorageUri,
    ...(seams ? { openLink: seams.openLink, withProgress: seams.withProgress, reportRenders: true } : {}),
  });
  const roaming = new RoamingSync(context.globalState, store, chat, () => serverOrigin(readSettings().baseUrl));
  host.useRoaming(roaming);
  const libraryDeps = { store, chat, host, output, status: () => status };
  const status: LibraryStatus = new LibraryStatus({
    store,
    prompts: () => host.prompts,
    output,
    checkLibrary: () => checkLibrary(libraryDeps),
    openStorageFolder: () => openStorageFolder(store),
  });
  const view = new ChatViewProvider(host, context.workspaceState);
  const editors = new EditorPanels(host);
  // `when` clauses see from the start whether the panel has a thread.
  host.targetChanged();

  context.subscriptions.push(
    { dispose: () => chat.dispose() },
    host,
    view,
    editors,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view, { webviewOptions: { retainContextWhenHidden: false } }),
    ...registerCommands(apiKey, host, view, editors, chat, testMode),
    registerChooseProvider(apiKey, testMode),
    ...registerThreadCommands(store, chat, host),
    ...registerLibraryCommands(libraryDeps),
    status,
    roaming,
    startRetention(store, chat),
    apiKey.onDidChange(() => void host.refreshAll()),
    onSettingsChanged(() => void host.refreshAll()),
  );

  // Only a test run gets a handle on the internals; other extensions see nothing.
  if (seams) {
    return {
      store,
      view,
      editorPanels: () => editors.list(),
      storageDir: context.globalStorageUri.fsPath,
      roaming,
      globalState: context.globalState,
      workspaceState: context.workspaceState,
      logDir: context.logUri.fsPath,
      openedLinks: seams.openedLinks,
      cancelProgress: seams.cancelProgress,
      answerPrompts: (prompts) => {
        host.prompts = { ...windowPrompts, ...prompts };
      },
      routeRequests: (fetch) => {
        testFetch = fetch;
      },
    };
  }
  return undefined;
}

let openStore: ThreadStore | undefined;

/** Lets queued writes finish and leaves an up-to-date index for the next start. */
export async function deactivate(): Promise<void> {
  await openStore?.dispose();
  openStore = undefined;
}
