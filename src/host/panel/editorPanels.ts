import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { PanelServices } from './panelServices';
import { PanelSession } from './panelSession';
import { restoredThreadId } from './restoredThread';
import { webviewOptions } from './webviewHtml';

/** The editor tabs' webview type (also in package.json's `onWebviewPanel:` activation event). */
export const THREAD_EDITOR_VIEW_TYPE = 'threadline.thread';

/**
 * A thread in an editor tab: the same panel as the side bar's, bound to its own thread. Its
 * switcher changes this tab only; the tab's title follows the thread's; deleting the thread
 * closes the tab.
 */
export class EditorThreadPanel extends PanelSession {
  private threadId: string;

  constructor(services: PanelServices, readonly panel: vscode.WebviewPanel, threadId: string) {
    super(services, 'editor');
    this.threadId = threadId;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'threadline.svg');
    this.register(panel.onDidDispose(() => this.dispose()));
    // Palette commands act on the active tab: whether they have a thread to act on follows it.
    // A tab left while its page had the focus may never say it lost it.
    const { sessions } = services;
    this.register(panel.onDidChangeViewState(() => (panel.active ? sessions.targetChanged() : sessions.setFocused(this, false))));
    this.attachWebview(panel.webview, panel.onDidDispose);
    this.syncTitle();
  }

  /** The tab's title. */
  get title(): string {
    return this.panel.title;
  }

  override get isActiveEditor(): boolean {
    return !this.isDisposed && this.panel.active;
  }

  reveal(): void {
    if (!this.isDisposed) this.panel.reveal(undefined, false);
  }

  protected get isVisible(): boolean {
    return !this.isDisposed && this.panel.visible;
  }

  protected storedThreadId(): string | undefined {
    return this.threadId;
  }

  protected async storeThreadId(threadId: string | undefined): Promise<void> {
    if (threadId === undefined) return;
    this.threadId = threadId;
    this.syncTitle();
  }

  protected threadGone(): void {
    if (!this.isDisposed) this.panel.dispose();
  }

  protected override afterThreadsChanged(): void {
    this.syncTitle();
  }

  private syncTitle(): void {
    const thread = this.services.store.get(this.threadId);
    if (thread && !this.isDisposed && this.panel.title !== thread.title) this.panel.title = thread.title;
  }
}

/**
 * The Threadline editor tabs: opens them (one per thread: opening a thread that a tab shows
 * reveals that tab) and brings them back after a reload through the webview serializer, which
 * gets the thread id the page saved with `vscode.setState`.
 */
export class EditorPanels extends Disposable {
  private readonly panels = new Set<EditorThreadPanel>();

  constructor(private readonly services: PanelServices) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(THREAD_EDITOR_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => this.restore(panel, state),
      }),
    );
    this.register({ dispose: () => this.panels.forEach((p) => p.dispose()) });
  }

  /** The open tabs, oldest first. */
  list(): EditorThreadPanel[] {
    return [...this.panels];
  }

  /** Shows `threadId` in an editor tab: the one that shows it already, else a new one. */
  open(threadId: string): EditorThreadPanel {
    const existing = this.list().find((p) => p.currentThreadId === threadId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const thread = this.services.store.get(threadId);
    if (!thread) throw new Error(vscode.l10n.t('That thread no longer exists.'));
    const panel = vscode.window.createWebviewPanel(THREAD_EDITOR_VIEW_TYPE, thread.title, vscode.ViewColumn.Active, {
      ...webviewOptions(this.services.extensionUri),
      retainContextWhenHidden: false,
    });
    return this.adopt(panel, threadId);
  }

  private restore(panel: vscode.WebviewPanel, state: unknown): void {
    const threadId = restoredThreadId(state, panel.title, this.services.store.list(), new Set(this.list().map((p) => p.currentThreadId)));
    // A tab whose thread was deleted meanwhile (or that never showed one) does not come back.
    if (!threadId) {
      panel.dispose();
      return;
    }
    this.adopt(panel, threadId);
  }

  private adopt(panel: vscode.WebviewPanel, threadId: string): EditorThreadPanel {
    const session = new EditorThreadPanel(this.services, panel, threadId);
    this.panels.add(session);
    panel.onDidDispose(() => this.panels.delete(session));
    return session;
  }
}

