import * as vscode from 'vscode';
import type { ChatEvent, ChatService } from '../core/chatService';
import { SendError } from '../core/chatService';
import type { ThreadStore } from '../core/threadStore';
import type { HostMessage, RenderReport, StreamingReply, ViewState, WebviewMessage } from '../shared/protocol';
import { assertNever, isWebviewMessage } from '../shared/protocol';
import type { ApiKeyStore } from './apiKey';
import { Disposable } from './disposable';
import { readSettings } from './settings';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

const CURRENT_THREAD_KEY = 'threadline.currentThreadId';

export interface ChatViewDeps {
  extensionUri: vscode.Uri;
  store: ThreadStore;
  chat: ChatService;
  apiKey: ApiKeyStore;
  /** Remembers which thread is open across reloads (no content, just the id). */
  state: vscode.Memento;
}

/**
 * The Threadline side panel. Holds every post until the webview says `ready`, then answers with
 * the whole state; afterwards it forwards the chat service's events for the open thread.
 */
export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewId = 'threadline.chat';

  private view: vscode.WebviewView | undefined;
  private ready = false;
  /** Replies streaming right now, by thread, so a re-opened panel shows the text so far. */
  private readonly streaming = new Map<string, StreamingReply>();
  private lastReport: RenderReport | undefined;
  private readonly reportWaiters = new Set<(report: RenderReport) => void>();

  constructor(private readonly deps: ChatViewDeps) {
    super();
    this.register(deps.chat.onEvent((e) => this.onChatEvent(e)));
  }

  get currentThreadId(): string | undefined {
    const id = this.deps.state.get<string>(CURRENT_THREAD_KEY);
    return id !== undefined && this.deps.store.get(id) ? id : undefined;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.deps.extensionUri);
    // Listeners first, then the HTML, so the `ready` that the page posts cannot be missed.
    const listeners = [
      view.webview.onDidReceiveMessage((raw: unknown) => {
        if (isWebviewMessage(raw)) void this.receive(raw);
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
        for (const l of listeners) l.dispose();
      }),
    ];
    for (const l of listeners) this.register(l);
    view.webview.html = renderWebviewHtml(view.webview, this.deps.extensionUri);
  }

  /** Shows `threadId` in the panel (and reveals the panel). */
  async showThread(threadId: string): Promise<void> {
    await this.deps.state.update(CURRENT_THREAD_KEY, threadId);
    await this.refresh();
    this.reveal();
  }

  async newThread(): Promise<void> {
    const thread = await this.deps.chat.createThread();
    await this.showThread(thread.id);
  }

  reveal(): void {
    if (this.view) this.view.show(true);
    else void vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  /** Re-sends the whole state (after a key, setting or thread change). */
  async refresh(): Promise<void> {
    if (this.ready) this.post({ type: 'state', state: await this.buildState() });
  }

  /** What the panel last reported it shows; for tests and diagnostics. */
  get renderReport(): RenderReport | undefined {
    return this.lastReport;
  }

  /** Resolves with the first render report (the current one included) that satisfies `predicate`. */
  waitForRender(predicate: (report: RenderReport) => boolean, timeoutMs = 10_000): Promise<RenderReport> {
    if (this.lastReport && predicate(this.lastReport)) return Promise.resolve(this.lastReport);
    return new Promise((resolve, reject) => {
      const waiter = (report: RenderReport) => {
        if (!predicate(report)) return;
        clearTimeout(timer);
        this.reportWaiters.delete(waiter);
        resolve(report);
      };
      const timer = setTimeout(() => {
        this.reportWaiters.delete(waiter);
        reject(new Error(`The panel did not render the expected state within ${timeoutMs} ms; last report: ${JSON.stringify(this.lastReport)}`));
      }, timeoutMs);
      this.reportWaiters.add(waiter);
    });
  }

  private async buildState(): Promise<ViewState> {
    const settings = readSettings();
    const currentThreadId = this.currentThreadId;
    return {
      hasApiKey: await this.deps.apiKey.has(),
      baseUrl: settings.baseUrl,
      model: settings.model,
      threads: this.deps.store.list(),
      currentThreadId,
      messages: currentThreadId ? await this.deps.store.messages(currentThreadId) : [],
      streaming: currentThreadId ? this.streaming.get(currentThreadId) : undefined,
    };
  }

  /** Handles one message from the panel (integration tests call it to act as the panel). */
  async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.refresh();
        return;
      case 'send':
        await this.send(message.text);
        return;
      case 'stop': {
        const id = this.currentThreadId;
        if (id) this.deps.chat.stop(id);
        return;
      }
      case 'switchThread':
        if (this.deps.store.get(message.threadId)) await this.showThread(message.threadId);
        return;
      case 'command':
        await vscode.commands.executeCommand(message.command === 'setApiKey' ? 'threadline.setApiKey' : 'threadline.newThread');
        return;
      case 'rendered':
        this.lastReport = message.report;
        for (const waiter of [...this.reportWaiters]) waiter(message.report);
        return;
      default:
        assertNever(message);
    }
  }

  private async send(text: string): Promise<void> {
    let threadId = this.currentThreadId;
    try {
      if (!(await this.deps.apiKey.has())) {
        throw new SendError('No API key is set. Run "Threadline: Set API Key" first; your message is still in the composer.');
      }
      if (!threadId) {
        threadId = (await this.deps.chat.createThread()).id;
        await this.deps.state.update(CURRENT_THREAD_KEY, threadId);
        await this.refresh();
      }
      await this.deps.chat.send(threadId, text);
    } catch (err) {
      // Nothing was stored, so the text goes back into the composer: the user loses nothing.
      const error = err instanceof SendError ? err.message : `Could not send: ${err instanceof Error ? err.message : String(err)}`;
      this.post({ type: 'sendFailed', threadId, error, draft: text });
    }
  }

  private onChatEvent(e: ChatEvent): void {
    switch (e.type) {
      case 'threadsChanged':
        this.post({ type: 'threads', threads: e.threads, currentThreadId: this.currentThreadId });
        return;
      case 'message':
        if (e.message.threadId === this.currentThreadId) this.post(e);
        return;
      case 'streamStart':
        this.streaming.set(e.threadId, { threadId: e.threadId, messageId: e.messageId, text: '' });
        if (e.threadId === this.currentThreadId) this.post(e);
        return;
      case 'streamDelta': {
        const reply = this.streaming.get(e.threadId);
        if (reply) reply.text += e.text;
        if (e.threadId === this.currentThreadId) this.post(e);
        return;
      }
      case 'streamEnd':
        this.streaming.delete(e.threadId);
        if (e.threadId === this.currentThreadId) this.post(e);
        return;
      default:
        assertNever(e);
    }
  }

  /** Posts only to a webview that said `ready`; earlier state arrives whole with the `ready` answer. */
  private post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }
}
