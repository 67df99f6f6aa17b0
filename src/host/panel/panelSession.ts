// One Threadline webview — the side panel or an editor tab — and the thread it shows. Holds every
// post until the webview says `ready`, then answers with the whole state; afterwards it follows
// the services it subscribes to (chat events, the next message's chips and limits, the thread
// list, attachment files) and forwards what concerns its thread. Requests from the webview are
// answered in panelRequests.ts; test-only messages go to renderReports.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatEvent } from '../../core/chat/chatEvents';
import { detectImageMime } from '../../core/attachments/imageTypes';
import type { ContextLimits, Message, ThreadMeta } from '../../core/model';
import type { HostMessage, Surface, WebviewMessage } from '../../shared/protocol';
import { assertNever, isWebviewMessage } from '../../shared/protocol';
import type { RenderReport } from '../../shared/testChannel';
import { isTestMessage } from '../../shared/testChannel';
import { connectionFor } from '../connection/backends';
import { readSettings } from '../connection/settings';
import { Disposable } from '../disposable';
import { workspaceInit } from '../workspace';
import { ContextGaugeUpdates } from './contextGaugeUpdates';
import { DeltaPosts } from './deltaPosts';
import { filesApiFetcher } from './imageCache';
import type { PanelServices } from './panelServices';
import { handleWebviewMessage } from './panelRequests';
import { buildState, queuedView } from './panelState';
import { RenderReports } from './renderReports';
import type { ShownSource } from './sourceMarks';
import { checkSources, markSources, sourcesOf } from './sourceMarks';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

/** Bytes that cross the webview bridge as base64; bigger files go through the file picker. */
const MAX_PASTE_BYTES = 20 * 1024 * 1024;
/** Schemes a drop may name: the user's files, local or in a remote workspace. */
const DROPPABLE_SCHEMES = new Set(['file', 'vscode-remote']);

export abstract class PanelSession extends Disposable {
  private webview: vscode.Webview | undefined;
  private ready = false;
  /** focusComposer() came before the webview was ready. */
  private composerFocusOnReady = false;
  /** What the panel reports it shows, in test runs (the test channel). */
  private readonly reports: RenderReports;
  /** File ids of the images in messages posted to the webview: the only ones it may have fetched. */
  private readonly offeredImages = new Set<string>();
  /** Attachment sources in the state last posted, by source (see sourceKey). */
  private shownSources = new Map<string, ShownSource>();
  /** Keeps the context gauge of the shown thread current. */
  readonly gauge: ContextGaugeUpdates;
  /** The reply's deltas, joined to at most one post a frame. */
  private readonly deltas = new DeltaPosts((d) => {
    if (this.services.trace && d.messageId !== this.tracedReply) {
      this.tracedReply = d.messageId;
      this.services.trace('posted', d.threadId);
    }
    this.post({ type: 'streamDelta', ...d });
  });
  /** The reply whose first post the benchmark's trace has. */
  private tracedReply: string | undefined;

  constructor(readonly services: PanelServices, readonly surface: Surface, options: { sidePanel?: boolean } = {}) {
    super();
    this.reports = new RenderReports(surface === 'view' ? 'panel' : 'editor tab');
    const { sessions, events, nextMessage, threadList, sources, store } = services;
    this.register(sessions.add(this, options));
    this.gauge = this.register(
      new ContextGaugeUpdates({
        store,
        threadId: () => this.currentThreadId,
        runLimits: (threadId) => nextMessage.runLimits(threadId),
        post: (message) => this.post(message),
        onProblem: (message) => console.error(message),
      }),
    );
    this.register(events.onEvent((e) => this.onChatEvent(e)));
    this.register(
      nextMessage.onDidChange(({ threadId, what }) => {
        if (threadId !== this.currentThreadId) return;
        if (what === 'attachments') this.post({ type: 'pending', threadId, pending: nextMessage.pending(threadId) });
        else void this.refresh();
      }),
    );
    this.register(threadList.onDidChange(() => this.postThreads()));
    this.register(sources.onDidChange((uri) => this.sourceChanged(uri)));
    this.register({ dispose: () => this.deltas.clear() });
  }

  /** The thread id this webview keeps; it may name a thread deleted since. */
  protected abstract storedThreadId(): string | undefined;
  protected abstract storeThreadId(threadId: string | undefined): Promise<void>;
  /** Brings this webview into view; with `focus`, also moves the keyboard focus into it. */
  abstract reveal(focus?: boolean): void;
  /** The thread this webview showed was deleted: show another state, or close. */
  protected abstract threadGone(): void;
  /** The webview is on screen (a hidden one has no page to post to until it is shown again). */
  protected abstract get isVisible(): boolean;
  /** After any change to the library (titles, flags, new threads). */
  protected afterThreadsChanged(): void {}

  /** True while this is an editor tab the user is in; palette commands then act on it. */
  get isActiveEditor(): boolean {
    return false;
  }

  get currentThreadId(): string | undefined {
    const id = this.storedThreadId();
    return id !== undefined && this.services.store.get(id) ? id : undefined;
  }

  /** This panel's thread list, under the list filters; its open thread is always listed. */
  threads(): ThreadMeta[] {
    return this.services.threadList.forPanel(this.currentThreadId);
  }

  /** Every thread, archived and other workspaces' included, and those known only from other machines. */
  allThreads(): ThreadMeta[] {
    return this.services.threadList.all();
  }

  /** Loads the panel into `webview`; the session then talks to it until it is disposed. */
  protected attachWebview(webview: vscode.Webview, onDidDispose: vscode.Event<void>): void {
    this.webview = webview;
    this.ready = false;
    webview.options = webviewOptions(this.services.extensionUri, [vscode.Uri.file(this.services.images.dir)]);
    // Listeners first, then the HTML, so the `ready` that the page posts cannot be missed.
    const listeners = [
      webview.onDidReceiveMessage((raw: unknown) => {
        if (isWebviewMessage(raw)) void this.receive(raw);
        // Never through the production protocol, and only from a panel told that tests run.
        else if (this.services.reportRenders && isTestMessage(raw)) this.reports.receive(raw);
      }),
      onDidDispose(() => {
        if (this.webview === webview) {
          this.webview = undefined;
          this.ready = false;
          this.deltas.clear();
        }
        for (const l of listeners) l.dispose();
      }),
    ];
    for (const l of listeners) this.register(l);
    webview.html = renderWebviewHtml(webview, this.services.extensionUri);
  }

  /** Shows `threadId` here (and reveals this webview); one known only from another machine is loaded first. */
  async showThread(threadId: string): Promise<void> {
    if (!(await this.services.threadList.ensureLocal(threadId))) return;
    await this.storeThreadId(threadId);
    await this.refresh();
    this.reveal();
  }

  async newThread(): Promise<void> {
    const thread = await this.services.threads.createThread(workspaceInit());
    await this.showThread(thread.id);
  }

  /** The open thread, created first when there is none (in the folder of `about`, the file it is for). */
  async ensureThread(about?: vscode.Uri): Promise<string> {
    const current = this.currentThreadId;
    if (current) return current;
    const thread = await this.services.threads.createThread(workspaceInit(about));
    await this.storeThreadId(thread.id);
    await this.refresh();
    return thread.id;
  }

  /** Shows a search hit or a bookmark: its thread, scrolled to its message when it names one. */
  async showHit(threadId: string, messageId: string | undefined): Promise<void> {
    await this.showThread(threadId);
    if (messageId) this.post({ type: 'revealMessage', messageId });
  }

  /** Puts text into the composer (after what is there) and focuses the panel. */
  async insertDraft(text: string): Promise<void> {
    await this.ensureThread();
    this.reveal(true);
    this.post({ type: 'insertDraft', text });
  }

  /**
   * Gives this webview the keyboard focus with the cursor in the composer. A webview still
   * loading, or hidden until now, gets it once its page says `ready`.
   */
  focusComposer(): void {
    // A hidden webview's page is gone (contexts are not retained) and comes back with a new `ready`.
    const live = this.ready && this.isVisible;
    this.reveal(true);
    if (live) this.post({ type: 'focusComposer' });
    else this.composerFocusOnReady = true;
  }

  /** Sends what is in the composer (the Send Message command); the panel answers with `send`. */
  submitDraft(): void {
    this.post({ type: 'submitDraft' });
  }

  /** Stops the reply streaming in the open thread, if any. */
  stop(): boolean {
    const id = this.currentThreadId;
    return id ? this.services.chat.stop(id) : false;
  }

  /** Sets (or clears) the limits the open thread's next message runs with. */
  async setRunLimits(limits: ContextLimits | undefined): Promise<void> {
    this.services.nextMessage.setRunLimits(await this.ensureThread(), limits);
  }

  /** Attaches a local file or image to the open thread's next message. */
  async attach(kind: 'file' | 'image', uri: vscode.Uri): Promise<boolean> {
    return this.services.attachments.attachUri(await this.ensureThread(uri), kind, uri, (message) => this.post({ type: 'problem', message }));
  }

  /**
   * Files dragged in from the explorer or a tab: images go as images (by their bytes, not their
   * name), anything else as a file. Only local and remote workspace files are read.
   */
  async attachDropped(uris: readonly string[]): Promise<void> {
    for (const text of uris) {
      const uri = parseDroppedUri(text);
      if (!uri) {
        this.post({ type: 'problem', message: vscode.l10n.t('Cannot attach {0}: only files from the workspace or disk can be dropped here.', text) });
        continue;
      }
      await this.services.attachments.attachUri(await this.ensureThread(uri), 'auto', uri, (message) => this.post({ type: 'problem', message }));
    }
  }

  /** A pasted image (or a file dropped from outside VS Code), sent by the panel as base64. */
  async attachPasted(name: string, base64: string): Promise<void> {
    const data = Buffer.from(base64, 'base64');
    if (data.byteLength > MAX_PASTE_BYTES) {
      this.post({ type: 'problem', message: vscode.l10n.t('{0} is {1} MB; files pasted or dropped from outside VS Code may be at most {2} MB. Attach it with the paperclip instead.', name, (data.byteLength / 1048576).toFixed(1), MAX_PASTE_BYTES / 1048576) });
      return;
    }
    const safeName = path.basename(name.replace(/\\/g, '/')).replace(/\p{Cc}/gu, '') || 'pasted';
    const bytes = new Uint8Array(data);
    await this.services.attachments.attachBytes(await this.ensureThread(), detectImageMime(bytes) ? 'image' : 'file', safeName, bytes, (message) => this.post({ type: 'problem', message }));
  }

  /** Re-sends the whole state (after a key, setting or thread change). */
  async refresh(): Promise<void> {
    // Its thread may be another now, whether or not its webview is there to show it.
    this.services.sessions.targetChanged();
    if (!this.ready) return;
    const { state, sources } = await buildState(this.services, this.currentThreadId, this.surface, this.threads());
    this.shownSources = sources;
    // The state holds the reply as far as it has come: deltas waiting for the next frame are in it.
    this.deltas.clear();
    this.offerImages(state.messages);
    this.post({ type: 'state', state });
    this.gauge.schedule(true);
    // A reply that ended between building and posting had its streamEnd posted before this
    // state, which still shows it streaming: send the settled state after it.
    const { currentThreadId, streaming } = state;
    if (streaming && currentThreadId && this.services.chat.replyInProgress(currentThreadId)?.messageId !== streaming.messageId) await this.refresh();
  }

  /** Sends the thread list (after a library or filter change). */
  postThreads(): void {
    this.post({ type: 'threads', threads: this.threads(), currentThreadId: this.currentThreadId, listFilter: this.services.threadList.filter });
  }

  /** What the panel last reported it shows (test runs only). */
  get renderReport(): RenderReport | undefined {
    return this.reports.current;
  }

  /** Resolves with the first render report (the current one included) that satisfies `predicate` (test runs only). */
  waitForRender(predicate: (report: RenderReport) => boolean, timeoutMs = 10_000): Promise<RenderReport> {
    return this.reports.waitFor(predicate, timeoutMs);
  }

  /** Handles one message from the webview (integration tests call it to act as the panel). */
  async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.refresh();
        if (this.composerFocusOnReady) {
          this.composerFocusOnReady = false;
          // Focus asked for while the webview was still being created reached no frame: ask again.
          this.reveal(true);
          this.post({ type: 'focusComposer' });
        }
        return;
      case 'focus':
        this.services.sessions.setFocused(this, message.focused);
        return;
      case 'send':
        this.services.trace?.('panelReceived', this.currentThreadId ?? '');
        await handleWebviewMessage(this, message);
        return;
      default:
        await handleWebviewMessage(this, message);
    }
  }

  /** File attachments of `messages` marked as changed or missing, their sources watched from now on. */
  async markAttachments(messages: Message[]): Promise<Message[]> {
    const sources = sourcesOf(messages);
    if (sources.size === 0) return messages;
    await checkSources(sources, this.services.sources.checker);
    for (const [key, shown] of sources) this.shownSources.set(key, shown);
    return markSources(messages, sources);
  }

  /** Lets the webview fetch the images `messages` hold only by file id (it asks as it draws them). */
  offerImages(messages: readonly Message[]): void {
    for (const m of messages) for (const p of m.content) if (p.type === 'image' && p.fileId && !p.dataUrl) this.offeredImages.add(p.fileId);
  }

  /**
   * An image offered to the webview, downloaded once (see imageCache.ts) and shown from the cache
   * through a webview URI; `error` says why not (the panel shows a placeholder). Undefined when
   * the webview is gone.
   */
  async imageSource(fileId: string): Promise<{ src: string } | { error: string } | undefined> {
    // The webview is untrusted: it may not have any file of the account downloaded, only those it shows.
    if (!this.offeredImages.has(fileId)) return { error: vscode.l10n.t('this panel was never shown this image.') };
    const settings = readSettings();
    const image = await this.services.images.get(settings.baseUrl, fileId, filesApiFetcher(connectionFor(settings, this.services.apiKey)));
    const webview = this.webview;
    if (!webview) return undefined;
    return 'path' in image ? { src: webview.asWebviewUri(vscode.Uri.file(image.path)).toString() } : image;
  }

  /** Posts only to a webview that said `ready`; earlier state arrives whole with the `ready` answer. */
  post(message: HostMessage): void {
    if (this.webview && this.ready) void this.webview.postMessage(message);
  }

  /** A chat event: what concerns this panel's thread goes to its webview. */
  private onChatEvent(e: ChatEvent): void {
    switch (e.type) {
      case 'threadsChanged': {
        const stored = this.storedThreadId();
        if (stored !== undefined && !this.services.store.get(stored)) {
          this.threadGone();
          return;
        }
        this.postThreads();
        this.afterThreadsChanged();
        // A new message, other limits or another dialect: the gauge follows (unchanged inputs are not recounted).
        this.gauge.schedule();
        return;
      }
      case 'message':
        if (e.message.threadId !== this.currentThreadId) return;
        // Its attachments were read just now; from here on a change to their files shows.
        for (const [key, shown] of sourcesOf([e.message])) this.shownSources.set(key, shown);
        this.offerImages([e.message]);
        this.post(e);
        return;
      case 'streamStart':
        if (e.threadId === this.currentThreadId) this.post(e);
        return;
      case 'streamDelta':
        if (e.threadId === this.currentThreadId) this.deltas.add(e);
        return;
      case 'queueChanged':
        if (e.threadId === this.currentThreadId) this.post({ type: 'queue', threadId: e.threadId, queued: queuedView(e.queued) });
        return;
      case 'streamEnd':
        if (e.threadId !== this.currentThreadId) return;
        // The reply's last text goes before its end.
        this.deltas.flush();
        this.offerImages([e.message]);
        this.post(e);
        this.gauge.schedule();
        return;
      default:
        assertNever(e);
    }
  }

  /** A file named by an attachment shown here changed, or was deleted: re-mark if that shows. */
  private sourceChanged(uri: string): void {
    if (!this.ready || ![...this.shownSources.values()].some((s) => s.source.uri === uri)) return;
    void this.recheckSources().catch((err: unknown) => console.error('Threadline: re-checking attachments failed', err));
  }

  private async recheckSources(): Promise<void> {
    const shown = [...this.shownSources.values()];
    const states = await Promise.all(shown.map((s) => this.services.sources.checker.check(s.source)));
    if (states.some((state, i) => state !== shown[i]!.state)) await this.refresh();
  }
}

function parseDroppedUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text.trim(), true);
    return DROPPABLE_SCHEMES.has(uri.scheme) ? uri : undefined;
  } catch {
    return undefined;
  }
}
