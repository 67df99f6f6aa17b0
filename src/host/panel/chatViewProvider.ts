import * as vscode from 'vscode';
import type { PanelServices } from './panelServices';
import { PanelSession } from './panelSession';

const CURRENT_THREAD_KEY = 'threadline.currentThreadId';

/**
 * The Threadline side panel: the session of the activity-bar view. Its thread is remembered
 * across reloads in the workspace's memento (the id only, no content), so each workspace's
 * window keeps its own; the view's webview comes and goes as the view is shown and hidden, the
 * session stays.
 */
export class ChatViewProvider extends PanelSession implements vscode.WebviewViewProvider {
  static readonly viewId = 'threadline.chat';

  private view: vscode.WebviewView | undefined;
  /**
   * The thread shown, held here: a memento is only where it is kept across reloads (VS Code may
   * replace a memento's values with an older copy while another key's write is in flight).
   */
  private threadId: string | undefined;

  constructor(services: PanelServices, private readonly memento: vscode.Memento) {
    super(services, 'view', { sidePanel: true });
    this.threadId = memento.get<string>(CURRENT_THREAD_KEY);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.register(view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    }));
    // A view hidden while it had the focus may never say it lost it (its page is gone).
    this.register(view.onDidChangeVisibility(() => {
      if (!view.visible) this.services.sessions.setFocused(this, false);
    }));
    this.attachWebview(view.webview, view.onDidDispose);
  }

  reveal(focus = false): void {
    // `<view>.focus` also resolves a view that was never opened, and moves the focus into it.
    if (this.view && !focus) this.view.show(true);
    else void vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  protected get isVisible(): boolean {
    return this.view?.visible === true;
  }

  protected storedThreadId(): string | undefined {
    return this.threadId;
  }

  protected async storeThreadId(threadId: string | undefined): Promise<void> {
    this.threadId = threadId;
    await this.memento.update(CURRENT_THREAD_KEY, threadId);
  }

  /** The open thread was deleted: forget it and show no thread (the list stays). */
  protected threadGone(): void {
    void this.storeThreadId(undefined).then(() => this.refresh());
  }
}
