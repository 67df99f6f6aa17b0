import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatEvent } from '../../core/chat/chatService';
import { SendError, UnqueuedError } from '../../core/chat/chatService';
import type { QueuedSend } from '../../core/chat/chatService';
import { detectImageMime } from '../../core/attachments/imageTypes';
import { messageText } from '../../core/model';
import type { Message, ThreadMeta } from '../../core/model';
import { findInStoredThread, searchThreads } from '../../core/library/search';
import type { HostMessage, MessageAction, QueuedMessage, RenderReport, Surface, ViewState, WebviewMessage } from '../../shared/protocol';
import { assertNever, isWebviewMessage } from '../../shared/protocol';
import { connectionFor } from '../connection/backends';
import type { ChatHost } from '../chat/chatHost';
import { runCodeAction } from './codeActions';
import { ContextGaugeUpdates } from './contextGaugeUpdates';
import { Disposable } from '../disposable';
import { filesApiFetcher } from './imageCache';
import type { TakenAttachments } from '../chat/pendingAttachments';
import { openReference } from './references';
import { runPanelCommand } from '../commands/sessionCommands';
import type { ShownSource } from './sourceMarks';
import { checkSources, markSources, sourcesOf } from './sourceMarks';
import { readSettings } from '../connection/settings';
import { currentWorkspaceFolder, workspaceInit } from '../workspace';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

/** Messages per page when the panel scrolls through a long thread. */
const PAGE_SIZE = 100;
/** Messages a panel opens a thread with: the newest ones; older pages follow as it scrolls up. */
const OPENING_PAGE = 200;
/** Hits the panel's search lists at most (the palette's Quick Pick has its own default). */
const PANEL_SEARCH_LIMIT = 100;
/** Bytes that cross the webview bridge as base64; bigger files go through the file picker. */
const MAX_PASTE_BYTES = 20 * 1024 * 1024;
/** Schemes a drop may name: the user's files, local or in a remote workspace. */
const DROPPABLE_SCHEMES = new Set(['file', 'vscode-remote']);

function parseDroppedUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text.trim(), true);
    return DROPPABLE_SCHEMES.has(uri.scheme) ? uri : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One Threadline webview — the side panel or an editor tab — and the thread it shows. Holds every
 * post until the webview says `ready`, then answers with the whole state; afterwards it forwards
 * the chat events of its thread. What outlives a webview or is shared between them (streams,
 * pending attachments, run limits, uploads, list filters) lives in ChatHost.
 */
export abstract class PanelSession extends Disposable {
  private webview: vscode.Webview | undefined;
  private ready = false;
  /** focusComposer() came before the webview was ready. */
  private composerFocusOnReady = false;
  private lastReport: RenderReport | undefined;
  /** The panel's search of every thread still running, if any. */
  private search: AbortController | undefined;
  private readonly reportWaiters = new Set<(report: RenderReport) => void>();
  /** Attachment sources in the state last posted, by source (see sourceKey). */
  private shownSources = new Map<string, ShownSource>();
  /** Keeps the context gauge of the shown thread current. */
  private readonly gauge: ContextGaugeUpdates;

  constructor(readonly host: ChatHost, readonly surface: Surface, options: { sidePanel?: boolean } = {}) {
    super();
    this.register(host.addSession(this, options));
    this.gauge = this.register(
      new ContextGaugeUpdates({
        store: host.store,
        threadId: () => this.currentThreadId,
        runLimits: (threadId) => host.runLimits.get(threadId),
        post: (message) => this.post(message),
        onProblem: (message) => console.error(message),
      }),
    );
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
    return id !== undefined && this.host.store.get(id) ? id : undefined;
  }

  /** This panel's thread list, under the list filters; its open thread is always listed. */
  threads(): ThreadMeta[] {
    return this.host.threadList(this.currentThreadId);
  }

  /** Every thread, archived and other workspaces' included, and those known only from other machines. */
  allThreads(): ThreadMeta[] {
    return this.host.allThreads();
  }

  /** Loads the panel into `webview`; the session then talks to it until it is disposed. */
  protected attachWebview(webview: vscode.Webview, onDidDispose: vscode.Event<void>): void {
    this.webview = webview;
    this.ready = false;
    webview.options = webviewOptions(this.host.extensionUri, [vscode.Uri.file(this.host.images.dir)]);
    // Listeners first, then the HTML, so the `ready` that the page posts cannot be missed.
    const listeners = [
      webview.onDidReceiveMessage((raw: unknown) => {
        if (isWebviewMessage(raw)) void this.receive(raw);
      }),
      onDidDispose(() => {
        if (this.webview === webview) {
          this.webview = undefined;
          this.ready = false;
        }
        for (const l of listeners) l.dispose();
      }),
    ];
    for (const l of listeners) this.register(l);
    webview.html = renderWebviewHtml(webview, this.host.extensionUri);
  }

  /** Shows `threadId` here (and reveals this webview); one known only from another machine is loaded first. */
  async showThread(threadId: string): Promise<void> {
    if (!this.host.store.get(threadId) && !(await this.host.openRoaming(threadId))) return;
    await this.storeThreadId(threadId);
    await this.refresh();
    this.reveal();
  }

  async newThread(): Promise<void> {
    const thread = await this.host.chat.createThread(workspaceInit());
    await this.showThread(thread.id);
  }

  /** The open thread, created first when there is none (in the folder of `about`, the file it is for). */
  async ensureThread(about?: vscode.Uri): Promise<string> {
    const current = this.currentThreadId;
    if (current) return current;
    const thread = await this.host.chat.createThread(workspaceInit(about));
    await this.storeThreadId(thread.id);
    await this.refresh();
    return thread.id;
  }

  /** Shows `messageId` of the open thread (a search hit). */
  revealMessage(messageId: string): void {
    this.post({ type: 'revealMessage', messageId });
  }

  /** Shows a search hit or a bookmark: its thread, scrolled to its message when it names one. */
  async showHit(threadId: string, messageId: string | undefined): Promise<void> {
    await this.showThread(threadId);
    if (messageId) this.revealMessage(messageId);
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
    return id ? this.host.chat.stop(id) : false;
  }

  /** Sets (or clears) the limits the open thread's next message runs with. */
  async setRunLimits(limits: Parameters<ChatHost['setRunLimits']>[1]): Promise<void> {
    await this.host.setRunLimits(await this.ensureThread(), limits);
  }

  /** Attaches a local file or image to the open thread's next message. */
  async attach(kind: 'file' | 'image', uri: vscode.Uri): Promise<boolean> {
    return this.host.attachUri(await this.ensureThread(uri), kind, uri, (message) => this.post({ type: 'problem', message }));
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
      await this.host.attachUri(await this.ensureThread(uri), 'auto', uri, (message) => this.post({ type: 'problem', message }));
    }
  }

  /** A pasted image (or a file dropped from outside VS Code), sent by the panel as base64. */
  async attachPasted(name: string, base64: string): Promise<void> {
    const data = Buffer.from(base64, 'base64');
    if (data.byteLength > MAX_PASTE_BYTES) {
      this.post({ type: 'problem', message: vscode.l10n.t('{0} is {1} MB; files pasted or dropped from outside VS Code may be at most {2} MB. Attach it with the paperclip instead.', name, (data.byteLength / 1048576).toFixed(1), MAX_PASTE_BYTES / 1048576) });
      return;
    }
    const safeName = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '') || 'pasted';
    const bytes = new Uint8Array(data);
    await this.host.attachBytes(await this.ensureThread(), detectImageMime(bytes) ? 'image' : 'file', safeName, bytes, (message) => this.post({ type: 'problem', message }));
  }

  /** Re-sends the whole state (after a key, setting or thread change). */
  async refresh(): Promise<void> {
    // Its thread may be another now, whether or not its webview is there to show it.
    this.host.targetChanged();
    if (!this.ready) return;
    const { state, sources } = await this.buildState();
    this.shownSources = sources;
    this.post({ type: 'state', state });
    this.gauge.schedule(true);
    this.fetchImages(state.messages);
    // A reply that ended between building and posting had its streamEnd posted before this
    // state, which still shows it streaming: send the settled state after it.
    const { currentThreadId, streaming } = state;
    if (streaming && currentThreadId && this.host.streaming.get(currentThreadId) !== streaming) await this.refresh();
  }

  /** Sends the thread list (after a library or filter change). */
  postThreads(): void {
    this.post({ type: 'threads', threads: this.threads(), currentThreadId: this.currentThreadId, listFilter: this.host.listFilter });
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
        reject(new Error(`The ${this.surface === 'view' ? 'panel' : 'editor tab'} did not render the expected state within ${timeoutMs} ms; last report: ${JSON.stringify(this.lastReport)}`));
      }, timeoutMs);
      this.reportWaiters.add(waiter);
    });
  }

  /** A file named by an attachment shown here changed, or was deleted: re-mark if that shows. */
  sourceChanged(uri: string): void {
    if (!this.ready || ![...this.shownSources.values()].some((s) => s.source.uri === uri)) return;
    void this.recheckSources().catch((err: unknown) => console.error('Threadline: re-checking attachments failed', err));
  }

  private async recheckSources(): Promise<void> {
    const shown = [...this.shownSources.values()];
    const states = await Promise.all(shown.map((s) => this.host.sources.check(s.source)));
    if (states.some((state, i) => state !== shown[i]!.state)) await this.refresh();
  }

  private async buildState(): Promise<{ state: ViewState; sources: Map<string, ShownSource> }> {
    const settings = readSettings();
    const currentThreadId = this.currentThreadId;
    const needsApiKey = settings.provider.keyRequired && !(await this.host.apiKey.has());
    const { messages, hasOlder, sources } = currentThreadId ? await this.shownMessages(currentThreadId) : { messages: [], hasOlder: false, sources: new Map<string, ShownSource>() };
    // Read after the last await: a reply stored while the messages were read is final and must
    // not also be shown as still streaming (the panel would keep a stale streaming copy of it).
    const streaming = currentThreadId ? this.host.streaming.get(currentThreadId) : undefined;
    const state: ViewState = {
      needsApiKey,
      provider: settings.provider.label,
      baseUrl: settings.baseUrl,
      model: settings.model,
      threads: this.threads(),
      currentThreadId,
      messages,
      hasOlder,
      streaming: streaming && !messages.some((m) => m.id === streaming.messageId) ? streaming : undefined,
      pending: this.host.pending.list(currentThreadId),
      runLimits: currentThreadId ? this.host.runLimits.get(currentThreadId) : undefined,
      queued: currentThreadId ? queuedView(this.host.chat.queued(currentThreadId)) : [],
      surface: this.surface,
      listFilter: this.host.listFilter,
      workspaceFolder: currentWorkspaceFolder(),
      l10nBundle: vscode.l10n.bundle,
      reportRenders: this.host.reportRenders,
    };
    return { state, sources };
  }

  /**
   * The thread's newest page (never the whole thread: it may hold 100,000 messages), file
   * attachments whose source changed or is gone marked. Checking the sources awaits, and a message
   * stored meanwhile would be missing from the state (its own event went to the panel before the
   * state): so the page is read again until none came in.
   */
  private async shownMessages(threadId: string): Promise<{ messages: Message[]; hasOlder: boolean; sources: Map<string, ShownSource> }> {
    const stamp = () => {
      const t = this.host.store.get(threadId);
      return t ? `${t.messageCount} ${t.updatedAt}` : '';
    };
    for (let attempt = 1; ; attempt++) {
      const before = stamp();
      const { messages, hasOlder } = await this.host.store.page(threadId, { limit: OPENING_PAGE });
      const sources = sourcesOf(messages);
      if (sources.size === 0) return { messages, hasOlder, sources };
      await checkSources(sources, this.host.sources);
      if (stamp() === before || attempt === 3) return { messages: markSources(messages, sources), hasOlder, sources };
    }
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
        this.host.setFocused(this, message.focused);
        return;
      case 'send':
        await this.send(message.text);
        return;
      case 'stop':
        this.stop();
        return;
      case 'unqueue': {
        const threadId = this.currentThreadId;
        if (!threadId) return;
        const entry = this.host.chat.queued(threadId).find((q) => q.id === message.id);
        // Taken back to edit: the text goes to the composer where Edit was clicked (the panel that
        // queued it may be another, or hidden); its attachments and limits go back in send().
        if (this.host.chat.unqueue(threadId, message.id, { giveBack: message.edit }) && message.edit && entry) {
          this.post({ type: 'insertDraft', text: entry.text });
        }
        return;
      }
      case 'switchThread':
        await this.showThread(message.threadId);
        return;
      case 'command':
        await runPanelCommand(message.command, this);
        return;
      case 'removeAttachment':
        this.host.pending.remove(message.id);
        return;
      case 'openReference':
        await this.openReference(message.messageId, message.index);
        return;
      case 'continue':
        await this.continueReply();
        return;
      case 'clearRunLimits':
        await this.setRunLimits(undefined);
        return;
      case 'toggleBookmark': {
        const threadId = this.currentThreadId;
        if (threadId) await this.host.chat.toggleBookmark(threadId, message.messageId).catch((err: unknown) => this.post({ type: 'problem', message: String(err instanceof Error ? err.message : err) }));
        return;
      }
      case 'find': {
        const threadId = this.currentThreadId;
        const messageIds = threadId ? await findInStoredThread(this.host.store, threadId, message.query) : [];
        this.post({ type: 'findResults', query: message.query, messageIds });
        return;
      }
      case 'searchThreads': {
        // Each keystroke's query replaces the last: the one still reading the library stops.
        this.search?.abort();
        const search = (this.search = new AbortController());
        const hits = await searchThreads(this.host.store, message.query, { limit: PANEL_SEARCH_LIMIT, signal: search.signal });
        if (!search.signal.aborted) this.post({ type: 'searchResults', query: message.query, hits });
        return;
      }
      case 'openSearchHit':
        if (this.host.store.get(message.threadId)) await this.showHit(message.threadId, message.messageId);
        return;
      case 'codeAction':
        await runCodeAction(message.action, message.code, message.language);
        return;
      case 'messageAction':
        await this.messageAction(message.action, message.messageId);
        return;
      case 'attachUris':
        await this.attachDropped(message.uris);
        return;
      case 'attachData':
        await this.attachPasted(message.name, message.base64);
        return;
      case 'setListFilter':
        await this.host.setListFilter(message.filter);
        return;
      case 'loadOlder':
      case 'loadNewer':
      case 'revealMessage':
      case 'loadLatest':
        await this.postPage(message);
        return;
      case 'rendered':
        this.lastReport = message.report;
        for (const waiter of [...this.reportWaiters]) waiter(message.report);
        return;
      default:
        assertNever(message);
    }
  }

  /** Answers the panel's request for another page of the open thread (see `page` in protocol.ts). */
  private async postPage(request: Extract<WebviewMessage, { type: 'loadOlder' | 'loadNewer' | 'revealMessage' | 'loadLatest' }>): Promise<void> {
    const threadId = this.currentThreadId;
    if (!threadId) return;
    const { store } = this.host;
    try {
      let page: Extract<HostMessage, { type: 'page' }>;
      switch (request.type) {
        case 'loadOlder': {
          const older = await store.page(threadId, { before: request.beforeId, limit: PAGE_SIZE });
          page = { type: 'page', threadId, messages: older.messages, hasOlder: older.hasOlder, hasNewer: true, anchor: 'older' };
          break;
        }
        case 'loadNewer': {
          const newer = await store.pageAfter(threadId, { after: request.afterId, limit: PAGE_SIZE });
          page = { type: 'page', threadId, messages: newer.messages, hasOlder: true, hasNewer: newer.hasNewer, anchor: 'newer' };
          break;
        }
        case 'revealMessage': {
          const around = await store.pageAround(threadId, request.messageId, PAGE_SIZE);
          page = { type: 'page', threadId, messages: around.messages, hasOlder: around.hasOlder, hasNewer: around.hasNewer, anchor: 'around', revealId: request.messageId };
          break;
        }
        case 'loadLatest': {
          const latest = await store.page(threadId, { limit: PAGE_SIZE });
          page = { type: 'page', threadId, messages: latest.messages, hasOlder: latest.hasOlder, hasNewer: false, anchor: 'around' };
          break;
        }
      }
      // The thread may have changed while the page was read: a page of another thread is dropped.
      if (this.currentThreadId === threadId) {
        this.post({ ...page, messages: await this.markPage(page.messages) });
        this.fetchImages(page.messages);
      }
    } catch (err) {
      // A message id the thread no longer has (deleted, or a stale panel): nothing to page to.
      console.error('Threadline: could not read a page of the thread', err);
    }
  }

  /** A page's file attachments marked like the state's, their sources watched from now on. */
  private async markPage(messages: Message[]): Promise<Message[]> {
    const sources = sourcesOf(messages);
    if (sources.size === 0) return messages;
    await checkSources(sources, this.host.sources);
    for (const [key, shown] of sources) this.shownSources.set(key, shown);
    return markSources(messages, sources);
  }

  private async send(text: string): Promise<void> {
    let threadId = this.currentThreadId;
    let taken: TakenAttachments = [];
    let runLimits;
    const { pending } = this.host;
    try {
      if (readSettings().provider.keyRequired && !(await this.host.apiKey.has())) {
        throw new SendError(vscode.l10n.t('No API key is set. Run "Threadline: Set API Key" first; your message is still in the composer.'));
      }
      threadId = await this.ensureThread();
      if (pending.isUploading(threadId)) throw new SendError(vscode.l10n.t('An attachment is still uploading; send again when it is ready.'));
      taken = pending.take(threadId);
      runLimits = this.host.runLimits.get(threadId);
      this.host.runLimits.delete(threadId);
      await this.host.chat.send(threadId, text, taken.map((t) => t.part!), runLimits);
    } catch (err) {
      // Nothing was stored, so the text, the attachments and the run's limits go back: the user
      // loses nothing. A message taken out of the queue to be dropped gives nothing back; one
      // taken back to edit had its text put in the composer where Edit was clicked.
      if (err instanceof UnqueuedError && !err.giveBack) return;
      if (threadId) pending.restore(threadId, taken);
      if (threadId && runLimits) await this.host.setRunLimits(threadId, runLimits);
      if (err instanceof UnqueuedError) return;
      const error = err instanceof SendError ? err.message : vscode.l10n.t('Could not send: {0}', err instanceof Error ? err.message : String(err));
      this.post({ type: 'sendFailed', threadId, error, draft: text });
      // A new thread on a server that dropped its dialect: the draft is back in the composer, so
      // after the switch the user sends it again as it was.
      if (threadId && err instanceof SendError && err.kind === 'retired') await this.host.offerSwitch(threadId, err.message);
    }
  }

  /** Continue on the latest, cut-short reply; the composer's attachments and limits stay for the next message. */
  private async continueReply(): Promise<void> {
    const threadId = this.currentThreadId;
    if (!threadId) return;
    try {
      await this.host.chat.continueReply(threadId);
    } catch (err) {
      this.post({ type: 'problem', message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** One message, read from around its place in the file: never the whole thread. */
  private async oneMessage(threadId: string, messageId: string): Promise<Message | undefined> {
    const around = await this.host.store.pageAround(threadId, messageId, 1).catch(() => undefined);
    return around?.messages.find((m) => m.id === messageId);
  }

  private async messageAction(action: MessageAction, messageId: string): Promise<void> {
    const threadId = this.currentThreadId;
    if (!threadId) return;
    try {
      if (action === 'askAgain') {
        const runLimits = this.host.runLimits.get(threadId);
        this.host.runLimits.delete(threadId);
        await this.host.chat.rerun(threadId, runLimits).catch(async (err: unknown) => {
          if (runLimits) await this.host.setRunLimits(threadId, runLimits);
          throw err;
        });
        return;
      }
      const message = await this.oneMessage(threadId, messageId);
      if (!message) return;
      if (action === 'copy') await runCodeAction('copy', messageText(message), undefined);
      else this.post({ type: 'insertDraft', text: messageText(message) });
    } catch (err) {
      this.post({ type: 'problem', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async openReference(messageId: string, index: number): Promise<void> {
    const threadId = this.currentThreadId;
    if (!threadId) return;
    const message = await this.oneMessage(threadId, messageId);
    if (!message) return;
    try {
      await openReference(message, index, connectionFor(readSettings(), this.host.apiKey), this.host.openLink);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.post({ type: 'problem', message: text });
      void vscode.window.showErrorMessage(vscode.l10n.t('Threadline: {0}', text));
    }
  }

  /** A chat event, from ChatHost (which has already updated the shared streaming state). */
  onChatEvent(e: ChatEvent): void {
    switch (e.type) {
      case 'threadsChanged': {
        const stored = this.storedThreadId();
        if (stored !== undefined && !this.host.store.get(stored)) {
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
        this.post(e);
        this.fetchImages([e.message]);
        return;
      case 'streamStart':
      case 'streamDelta':
        if (e.threadId === this.currentThreadId) this.post(e);
        return;
      case 'queueChanged':
        if (e.threadId === this.currentThreadId) this.post({ type: 'queue', threadId: e.threadId, queued: queuedView(e.queued) });
        return;
      case 'streamEnd':
        if (e.threadId !== this.currentThreadId) return;
        this.post(e);
        this.fetchImages([e.message]);
        this.gauge.schedule();
        return;
      default:
        assertNever(e);
    }
  }

  /**
   * Images the messages hold only by file id are downloaded once (see imageCache.ts) and shown
   * from the cache through a webview URI; a failure shows a placeholder that says why.
   */
  private fetchImages(messages: readonly Message[]): void {
    const fileIds = new Set(messages.flatMap((m) => m.content.flatMap((p) => (p.type === 'image' && p.fileId && !p.dataUrl ? [p.fileId] : []))));
    if (fileIds.size === 0) return;
    const settings = readSettings();
    const fetchImage = filesApiFetcher(connectionFor(settings, this.host.apiKey));
    for (const fileId of fileIds) {
      void this.host.images.get(settings.baseUrl, fileId, fetchImage).then((image) => {
        const webview = this.webview;
        if (!webview) return;
        this.post('path' in image ? { type: 'imageReady', fileId, src: webview.asWebviewUri(vscode.Uri.file(image.path)).toString() } : { type: 'imageReady', fileId, error: image.error });
      });
    }
  }

  /** Posts only to a webview that said `ready`; earlier state arrives whole with the `ready` answer. */
  post(message: HostMessage): void {
    if (this.webview && this.ready) void this.webview.postMessage(message);
  }
}

/** Queued messages as the panel shows them. */
function queuedView(queued: readonly QueuedSend[]): QueuedMessage[] {
  return queued.map((q) => ({ id: q.id, text: q.text, attachments: q.attachments.map((a) => a.name) }));
}
