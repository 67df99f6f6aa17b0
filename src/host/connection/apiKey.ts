import type * as vscode from 'vscode';

/** The one SecretStorage key. The API key lives nowhere else: not settings, logs, state or the webview. */
const API_KEY_SECRET = 'threadline.apiKey';

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(API_KEY_SECRET);
    return key && key.trim() !== '' ? key : undefined;
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  set(key: string): Thenable<void> {
    return this.secrets.store(API_KEY_SECRET, key.trim());
  }

  clear(): Thenable<void> {
    return this.secrets.delete(API_KEY_SECRET);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) listener();
    });
  }
}
