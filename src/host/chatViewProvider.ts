import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { AttachmentPart, ChatEvent, ChatService } from '../core/chatService';
import { detectImageMime } from '../core/imageTypes';
import { SendError } from '../core/chatService';
import type { ContextLimits, ThreadMeta } from '../core/model';
import { findInThread } from '../core/search';
import { listThreads } from '../core/threadQuery';
import type { ThreadStore } from '../core/threadStore';
import type { HostMessage, RenderReport, StreamingReply, ViewState, WebviewMessage } from '../shared/protocol';
import { assertNever, isWebviewMessage } from '../shared/protocol';
import type { ApiKeyStore } from './apiKey';
import { Disposable } from './disposable';
import { connectionFor } from './backends';
import { mimeFromName, PendingAttachments } from './pendingAttachments';
import { runCodeAction } from './codeActions';
import { openReference } from './references';
import { readSettings } from './settings';
import { currentWorkspaceFolder, workspaceInit } from './workspace';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

const CURRENT_THREAD_KEY = 'threadline.currentThreadId';
/** Images up to this size are kept in the thread as a preview (bigger ones show as a chip). */
const MAX_PREVIEW_BYTES = 1024 * 1024;
/** Bytes that cross the webview bridge as base64; bigger files go through the file picker. */
const MAX_PASTE_BYTES = 20 * 1024 * 1024;
/** Schemes a drop may name: the user's files, local or in a remote workspace. */
const DROPPABLE_SCHEMES = new Set(['file', 'vscode-remote']);

function parseDroppedUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text.trim(), true);
    if (!DROPPABLE_SCHEMES.has(uri.scheme)) return undefined;
    // A remote workspace's files are plain files where this extension host runs.
    return uri.scheme === 'vscode-remote' ? vscode.Uri.file(uri.path) : uri;
  } catch {
    return undefined;
  }
}

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
  /** Attachments already uploaded, by dialect, server, kind and content hash (this session). */
  private readonly uploaded = new Map<string, AttachmentPart>();
  /** Limits for the next message of a thread only (per-run limits), until it is sent. */
  private readonly runLimits = new Map<string, ContextLimits>();
  private readonly pending = new PendingAttachments((threadId) => {
    if (threadId === this.currentThreadId) this.post({ type: 'pending', threadId, pending: this.pending.list(threadId) });
  });

  constructor(private readonly deps: ChatViewDeps) {
    super();
    this.register(deps.chat.onEvent((e) => this.onChatEvent(e)));
    this.register(this.pending);
  }

  /**
   * The panel's list: this workspace's threads (and those from no workspace), pinned first, then
   * most recent; archived ones hidden. The open thread is always listed.
   */
  threads(): ThreadMeta[] {
    const all = this.deps.store.list();
    const shown = listThreads(all, { workspaceFolder: currentWorkspaceFolder() ?? 'all' });
    const current = all.find((t) => t.id === this.currentThreadId);
    return current && !shown.includes(current) ? [current, ...shown] : shown;
  }

  /** Every thread, archived and other workspaces' included. */
  allThreads(): ThreadMeta[] {
    return this.deps.store.list();
  }

  /** Shows `messageId` of the open thread (a search hit). */
  revealMessage(messageId: string): void {
    this.post({ type: 'revealMessage', messageId });
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
    const thread = await this.deps.chat.createThread(workspaceInit());
    await this.showThread(thread.id);
  }

  /** Puts text into the composer (after what is there) and focuses the panel. */
  async insertDraft(text: string): Promise<void> {
    await this.ensureThread();
    this.reveal();
    this.post({ type: 'insertDraft', text });
  }

  /** Stops the reply streaming in the open thread, if any. */
  stop(): boolean {
    const id = this.currentThreadId;
    return id ? this.deps.chat.stop(id) : false;
  }

  /** Sets (or clears) the limits the open thread's next message runs with. */
  async setRunLimits(limits: ContextLimits | undefined): Promise<void> {
    const threadId = await this.ensureThread();
    if (limits) this.runLimits.set(threadId, limits);
    else this.runLimits.delete(threadId);
    await this.refresh();
  }

  /** The open thread, created first when there is none. */
  async ensureThread(): Promise<string> {
    const current = this.currentThreadId;
    if (current) return current;
    const thread = await this.deps.chat.createThread(workspaceInit());
    await this.deps.state.update(CURRENT_THREAD_KEY, thread.id);
    await this.refresh();
    return thread.id;
  }

  /**
   * Attaches a local file or image to the open thread's next message: uploads it (or inlines it,
   * depending on the dialect) with a cancellable progress notification, then shows it as a chip.
   */
  async attach(kind: 'file' | 'image', uri: vscode.Uri): Promise<boolean> {
    return this.attachBytes(kind, path.basename(uri.path), await vscode.workspace.fs.readFile(uri));
  }

  /**
   * Files dragged in from the explorer or a tab: images go as images (by their bytes, not their
   * name), anything else as a file. Only local and remote workspace files are read.
   */
  async attachDropped(uris: readonly string[]): Promise<void> {
    for (const text of uris) {
      const uri = parseDroppedUri(text);
      if (!uri) {
        this.post({ type: 'problem', message: `Cannot attach ${text}: only files from the workspace or disk can be dropped here.` });
        continue;
      }
      const data = await vscode.workspace.fs.readFile(uri).then(undefined, (err: unknown) => {
        this.post({ type: 'problem', message: `Cannot read ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}` });
        return undefined;
      });
      if (data) await this.attachBytes(detectImageMime(data) ? 'image' : 'file', path.basename(uri.path), data);
    }
  }

  /** A pasted image (or a file dropped from outside VS Code), sent by the panel as base64. */
  async attachPasted(name: string, base64: string): Promise<void> {
    const data = Buffer.from(base64, 'base64');
    if (data.byteLength > MAX_PASTE_BYTES) {
      this.post({ type: 'problem', message: `${name} is ${(data.byteLength / 1048576).toFixed(1)} MB; files pasted or dropped from outside VS Code may be at most ${MAX_PASTE_BYTES / 1048576} MB. Attach it with the paperclip instead.` });
      return;
    }
    const safeName = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '') || 'pasted';
    await this.attachBytes(detectImageMime(data) ? 'image' : 'file', safeName, new Uint8Array(data));
  }

  private async attachBytes(kind: 'file' | 'image', name: string, data: Uint8Array): Promise<boolean> {
    const threadId = await this.ensureThread();
    const upload = this.pending.begin(threadId, kind, name, data.byteLength);
    // The same bytes already went to this server for this dialect: reuse that upload.
    const thread = this.deps.store.get(threadId)!;
    const uploadKey = `${thread.backend} ${readSettings().baseUrl} ${kind} ${createHash('sha256').update(data).digest('hex')}`;
    const earlier = this.uploaded.get(uploadKey);
    if (earlier) {
      this.pending.ready(threadId, upload.id, { ...earlier, name });
      return true;
    }
    const mime = mimeFromName(name);
    const part: AttachmentPart = kind === 'image' ? { type: 'image', name, mime } : { type: 'file', name, bytes: data.byteLength, mime };
    // Small images keep a data: URL so the panel can show them whatever the dialect sends.
    const imageMime = detectImageMime(data);
    if (part.type === 'image' && imageMime && data.byteLength <= MAX_PREVIEW_BYTES) {
      part.dataUrl = `data:${imageMime};base64,${Buffer.from(data).toString('base64')}`;
    }
    try {
      const prepared = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Threadline: attaching ${name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.pending.remove(upload.id));
          let reported = 0;
          return this.deps.chat.prepareAttachment(threadId, part, data, {
            signal: upload.signal,
            onProgress: (sent, total) => {
              const fraction = total > 0 ? sent / total : 1;
              progress.report({ increment: (fraction - reported) * 100 });
              reported = fraction;
              this.pending.progress(threadId, upload.id, fraction);
            },
          });
        },
      );
      this.pending.ready(threadId, upload.id, prepared);
      this.uploaded.set(uploadKey, prepared);
      return true;
    } catch (err) {
      const cancelled = upload.signal.aborted;
      this.pending.remove(upload.id);
      if (cancelled) return false;
      const message = err instanceof Error ? err.message : String(err);
      this.post({ type: 'problem', message });
      void vscode.window.showErrorMessage(`Threadline: ${message}`);
      return false;
    }
  }

  reveal(): void {
    if (this.view) this.view.show(true);
    else void vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  /** Re-sends the whole state (after a key, setting or thread change). */
  async refresh(): Promise<void> {
    if (!this.ready) return;
    const state = await this.buildState();
    this.post({ type: 'state', state });
    // A reply that ended between building and posting had its streamEnd posted before this
    // state, which still shows it streaming: send the settled state after it.
    const { currentThreadId, streaming } = state;
    if (streaming && currentThreadId && this.streaming.get(currentThreadId) !== streaming) await this.refresh();
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
    const needsApiKey = settings.provider.keyRequired && !(await this.deps.apiKey.has());
    const messages = currentThreadId ? await this.deps.store.messages(currentThreadId) : [];
    // Read after the last await: a reply stored while the messages were read is final and must
    // not also be shown as still streaming (the panel would keep a stale streaming copy of it).
    const streaming = currentThreadId ? this.streaming.get(currentThreadId) : undefined;
    return {
      needsApiKey,
      provider: settings.provider.label,
      baseUrl: settings.baseUrl,
      model: settings.model,
      threads: this.threads(),
      currentThreadId,
      messages,
      streaming: streaming && !messages.some((m) => m.id === streaming.messageId) ? streaming : undefined,
      pending: this.pending.list(currentThreadId),
      runLimits: currentThreadId ? this.runLimits.get(currentThreadId) : undefined,
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
      case 'stop':
        this.stop();
        return;
      case 'switchThread':
        if (this.deps.store.get(message.threadId)) await this.showThread(message.threadId);
        return;
      case 'command':
        await vscode.commands.executeCommand(`threadline.${message.command}`);
        return;
      case 'removeAttachment':
        this.pending.remove(message.id);
        return;
      case 'openReference':
        await this.openReference(message.messageId, message.index);
        return;
      case 'continue':
        await this.send('Continue.');
        return;
      case 'clearRunLimits':
        await this.setRunLimits(undefined);
        return;
      case 'toggleBookmark': {
        const threadId = this.currentThreadId;
        if (threadId) await this.deps.chat.toggleBookmark(threadId, message.messageId).catch((err: unknown) => this.post({ type: 'problem', message: String(err instanceof Error ? err.message : err) }));
        return;
      }
      case 'find': {
        const threadId = this.currentThreadId;
        const messageIds = threadId && message.query.trim() ? findInThread(await this.deps.store.messages(threadId), message.query) : [];
        this.post({ type: 'findResults', query: message.query, messageIds });
        return;
      }
      case 'codeAction':
        await runCodeAction(message.action, message.code, message.language);
        return;
      case 'attachUris':
        await this.attachDropped(message.uris);
        return;
      case 'attachData':
        await this.attachPasted(message.name, message.base64);
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
    let taken: ReturnType<PendingAttachments['take']> = [];
    let runLimits: ContextLimits | undefined;
    try {
      if (readSettings().provider.keyRequired && !(await this.deps.apiKey.has())) {
        throw new SendError('No API key is set. Run "Threadline: Set API Key" first; your message is still in the composer.');
      }
      threadId = await this.ensureThread();
      if (this.pending.isUploading(threadId)) throw new SendError('An attachment is still uploading; send again when it is ready.');
      taken = this.pending.take(threadId);
      runLimits = this.runLimits.get(threadId);
      this.runLimits.delete(threadId);
      await this.deps.chat.send(threadId, text, taken.map((t) => t.part!), runLimits);
    } catch (err) {
      // Nothing was stored, so the text, the attachments and the run's limits go back: the user loses nothing.
      if (threadId) this.pending.restore(threadId, taken);
      if (threadId && runLimits) {
        this.runLimits.set(threadId, runLimits);
        await this.refresh();
      }
      const error = err instanceof SendError ? err.message : `Could not send: ${err instanceof Error ? err.message : String(err)}`;
      this.post({ type: 'sendFailed', threadId, error, draft: text });
    }
  }

  private async openReference(messageId: string, index: number): Promise<void> {
    const threadId = this.currentThreadId;
    if (!threadId) return;
    const message = (await this.deps.store.messages(threadId)).find((m) => m.id === messageId);
    if (!message) return;
    try {
      await openReference(message, index, connectionFor(readSettings(), this.deps.apiKey));
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.post({ type: 'problem', message: text });
      void vscode.window.showErrorMessage(`Threadline: ${text}`);
    }
  }

  private onChatEvent(e: ChatEvent): void {
    switch (e.type) {
      case 'threadsChanged':
        this.post({ type: 'threads', threads: this.threads(), currentThreadId: this.currentThreadId });
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
        if (e.message.errorKind === 'retired') void this.offerSwitch(e.threadId, e.message.error ?? '');
        return;
      default:
        assertNever(e);
    }
  }

  /** The server dropped this thread's dialect: say so, and switch it to Responses in one click. */
  private async offerSwitch(threadId: string, message: string): Promise<void> {
    const action = 'Switch to Conversations + Responses';
    if ((await vscode.window.showWarningMessage(`Threadline: ${message}`, action)) !== action) return;
    await this.deps.chat.setBackend(threadId, 'responses');
    await this.refresh();
  }

  /** Posts only to a webview that said `ready`; earlier state arrives whole with the `ready` answer. */
  private post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }
}
