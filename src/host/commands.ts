import * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKey';
import type { ChatViewProvider } from './chatViewProvider';

/** The palette commands. Each is a thin call into the view or the key store. */
export function registerCommands(apiKey: ApiKeyStore, view: ChatViewProvider): vscode.Disposable[] {
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
  ];
}
