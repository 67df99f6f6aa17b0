import type * as vscode from 'vscode';

/**
 * Owns disposables and disposes them with itself. Registering on an owner that is already gone
 * disposes the newcomer at once, so late async registrations cannot leak.
 */
export class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.owned.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (err) {
        console.error('Threadline: dispose failed', err);
      }
    }
  }
}
