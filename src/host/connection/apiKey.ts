import type * as vscode from 'vscode';

/** The one SecretStorage key. The API key lives nowhere else: not settings, logs, state or the webview. */
const API_KEY_SECRET = 'threadline.apiKey';

export class ApiKeyStore {
  /**
   * The key as last read: every send and every request asks for it, and SecretStorage is a round
   * trip (in a browser-based VS Code, to the browser and back). Read again when it changes, in
   * this window or another.
   */
  private cached: Promise<string | undefined> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) this.cached = undefined;
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(API_KEY_SECRET)).then(
      (key) => (key && key.trim() !== '' ? key : undefined),
      (err: unknown) => {
        this.cached = undefined;
        throw err;
      },
    );
    return this.cached;
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  async set(key: string): Promise<void> {
    this.cached = undefined;
    await this.secrets.store(API_KEY_SECRET, key.trim());
    this.cached = undefined;
  }

  async clear(): Promise<void> {
    this.cached = undefined;
    await this.secrets.delete(API_KEY_SECRET);
    this.cached = undefined;
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) listener();
    });
  }
}
