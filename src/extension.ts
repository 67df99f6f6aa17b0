import * as vscode from 'vscode';
import { ChatService } from './core/chatService';
import type { Backend } from './core/backend';
import type { BackendKind } from './core/model';
import { ThreadStore } from './core/threadStore';
import { ApiKeyStore } from './host/apiKey';
import { createBackend } from './host/backends';
import { ChatHost } from './host/chatHost';
import { ChatViewProvider } from './host/chatViewProvider';
import { EditorPanels } from './host/editorPanels';
import { registerCommands } from './host/commands';
import { startRetention } from './host/retention';
import { registerThreadCommands } from './host/threadCommands';
import { onSettingsChanged, readSettings } from './host/settings';
import type { ThreadlineTestApi } from './host/testApi';

export async function activate(context: vscode.ExtensionContext): Promise<ThreadlineTestApi | undefined> {
  const output = vscode.window.createOutputChannel('Threadline', { log: true });
  context.subscriptions.push(output);

  const store = await ThreadStore.open(context.globalStorageUri.fsPath, {
    onProblem: (message) => output.warn(message),
  });
  const apiKey = new ApiKeyStore(context.secrets);
  const backendFor = (kind: BackendKind): Backend => createBackend(kind, readSettings(), apiKey);
  const chat = new ChatService({ store, backendFor, settings: () => readSettings() });
  // Shared by every webview; the side panel and each editor tab is a session on it.
  const host = new ChatHost({ extensionUri: context.extensionUri, store, chat, apiKey, workspaceState: context.workspaceState, globalStorageUri: context.globalStorageUri });
  const view = new ChatViewProvider(host, context.globalState);
  const editors = new EditorPanels(host);
  // `when` clauses see from the start whether the panel has a thread.
  host.targetChanged();

  context.subscriptions.push(
    { dispose: () => chat.dispose() },
    host,
    view,
    editors,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view, { webviewOptions: { retainContextWhenHidden: false } }),
    ...registerCommands(apiKey, host, view, editors, chat),
    ...registerThreadCommands(store, chat, host),
    startRetention(store, chat),
    apiKey.onDidChange(() => void host.refreshAll()),
    onSettingsChanged(() => void host.refreshAll()),
  );

  // Only a test run gets a handle on the internals; other extensions see nothing.
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    return { store, view, editorPanels: () => editors.list(), storageDir: context.globalStorageUri.fsPath };
  }
  return undefined;
}

export function deactivate(): void {}
