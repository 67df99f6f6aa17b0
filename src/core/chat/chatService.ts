// Orchestrates a send: the store keeps what the user typed and what came back, the backend
// streams the reply, and listeners (the host) see each step as an event. Before the user's
// message is stored a failure throws SendError (nothing kept, so the draft goes back); after
// it, every path stores exactly one assistant message and emits exactly one streamEnd.
import * as l10n from '@vscode/l10n';
import type { Backend, HistorySource, RemoteMessage, ReplyRequest, UploadRequest } from '../backends/backend';
import { describeError } from '../backends/errors';
import type { ErrorKind } from '../backends/errors';
import type { ThreadDocument } from '../library/exportThread';
import { newLocalId } from '../ids';
import { titleFromText } from '../model';
import { reconcileThreads } from './reconcile';
import type { ReconcileOptions, ReconcileResult } from './reconcile';
import type { Annotation, BackendKind, ContentPart, ContextLimits, Message, MessageStatus, ThreadMeta, Usage } from '../model';
import { LibraryUnavailableError } from '../library/health';
import { DEFAULT_THREAD_TITLE } from '../library/threadStore';
import type { LibraryEvent, ThreadStore, TrashEntry } from '../library/threadStore';
import type { MetaPatch } from '../storage/records';

export type ChatEvent =
  | { type: 'threadsChanged'; threads: ThreadMeta[] }
  | { type: 'message'; message: Message }
  | { type: 'streamStart'; threadId: string; messageId: string }
  | { type: 'streamDelta'; threadId: string; messageId: string; text: string }
  | { type: 'streamEnd'; threadId: string; message: Message }
  /** The messages waiting in a thread for its reply in progress to end changed (see send). */
  | { type: 'queueChanged'; threadId: string; queued: QueuedSend[] };

/**
 * A send refused before anything was stored; `message` is for the user. `kind` says why when the
 * server refused (e.g. 'retired': the host then offers another dialect).
 */
export class SendError extends Error {
  override readonly name = 'SendError';
  readonly kind: ErrorKind | undefined;

  constructor(message: string, options: { cause?: unknown; kind?: ErrorKind } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.kind = options.kind;
  }
}

export interface ChatServiceOptions {
  store: ThreadStore;
  backendFor: (kind: BackendKind) => Backend;
  settings: () => { model: string; backend: BackendKind };
  now?: () => number;
  /** Told about failures that do not stop a send (e.g. the auto-title could not be saved). */
  onProblem?: (message: string) => void;
}

/** What is known of a server thread before it is in this library (another machine's entry). */
export interface RemoteThreadInit {
  id: string;
  title: string;
  createdAt: number;
  pinned?: boolean;
  archived?: boolean;
}

/** A file or image part of a user message. */
export type AttachmentPart = Extract<ContentPart, { type: 'file' | 'image' }>;

export type AttachmentOptions = Pick<UploadRequest, 'signal' | 'onProgress'>;

export const stillStreaming = (): string => l10n.t('A reply is still streaming; stop it or wait.');

/** What Continue sends: the model reads it as "go on from where the reply stopped". */
export const CONTINUE_TEXT = 'Continue.';

/** A message sent while its thread had a reply in progress: it goes out when that reply ends. */
export interface QueuedSend {
  id: string;
  threadId: string;
  text: string;
  attachments: readonly AttachmentPart[];
  runLimits?: ContextLimits;
}

/**
 * A queued message taken out before it went (ChatService.unqueue). Nothing was stored; `giveBack`
 * says whether the user wants its text and attachments back to edit, or dropped.
 */
export class UnqueuedError extends SendError {
  constructor(readonly giveBack: boolean) {
    super(giveBack ? l10n.t('Taken out of the queue; it is back in the composer to edit.') : l10n.t('Taken out of the queue.'), { kind: 'cancelled' });
  }
}

interface QueueEntry extends QueuedSend {
  settle: { resolve: (reply: Message) => void; reject: (err: unknown) => void };
}

/** What a send has once the user's message is stored. */
interface PreparedSend {
  thread: ThreadMeta;
  backend: Backend;
  model: string;
  input: Message;
  /** The messages before `input`, read only as far as the backend asks. */
  history: HistorySource;
}

/** How a reply ended, before it is turned into the stored message; optional fields only when known. */
interface ReplyOutcome {
  text: string;
  annotations?: Annotation[];
  omittedMessageIds?: string[];
  status: MessageStatus;
  error?: string;
  errorKind?: string;
  usage?: Usage;
  remoteId?: string;
  model?: string;
}

export class ChatService {
  private readonly listeners = new Set<(e: ChatEvent) => void>();
  /** One entry per thread with a send in progress, from the first check until streamEnd. */
  private readonly active = new Map<string, AbortController>();
  private readonly now: () => number;
  private disposed = false;
  /** Threads being deleted: a send to one is refused rather than racing the delete. */
  private readonly deleting = new Set<string>();
  /** Messages waiting for their thread's reply in progress, oldest first, by thread. */
  private readonly queues = new Map<string, QueueEntry[]>();
  /** File names by dialect, server and file id (see cachedFileName). */
  private readonly fileNames = new Map<string, Promise<string | undefined>>();

  /** Stops hearing the library's news of other windows (see onLibraryEvent). */
  private readonly libraryEvents: { dispose(): void };

  constructor(private readonly options: ChatServiceOptions) {
    this.now = options.now ?? Date.now;
    this.libraryEvents = options.store.onDidChange((e) => this.onLibraryEvent(e));
  }

  onEvent(listener: (e: ChatEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** A new, empty local thread; the server-side thread is created by the first send. */
  async createThread(init: { workspaceFolder?: string } = {}): Promise<ThreadMeta> {
    const thread = await this.options.store.create({ backend: this.options.settings().backend, ...init });
    this.emitThreads();
    return thread;
  }

  /** Renames a thread (whitespace collapsed: a title is one list row) and stops auto-titling it. */
  async rename(threadId: string, title: string): Promise<ThreadMeta> {
    const clean = title.replace(/\s+/g, ' ').trim();
    if (!clean) throw new SendError(l10n.t('A thread title cannot be empty.'));
    return this.updateThread(threadId, { title: clean, titleLocked: true });
  }

  async setPinned(threadId: string, pinned: boolean): Promise<ThreadMeta> {
    return this.updateThread(threadId, { pinned });
  }

  async setArchived(threadId: string, archived: boolean): Promise<ThreadMeta> {
    return this.updateThread(threadId, { archived });
  }

  /**
   * Moves a thread to Recently Deleted (restore brings it back); with `remote`, its server-side
   * thread is deleted first, for good. A server thread that is already gone (404) does not stop
   * the local delete; any other server failure throws SendError before anything local is
   * touched, so the user can retry and nothing is lost.
   */
  async delete(threadId: string, options: { remote?: boolean } = {}): Promise<TrashEntry | undefined> {
    if (this.active.has(threadId)) throw new SendError(stillStreaming());
    if (this.deleting.has(threadId)) return undefined;
    const thread = this.options.store.get(threadId);
    if (!thread) throw new SendError(l10n.t('That thread no longer exists.'));
    this.deleting.add(threadId);
    let entry: TrashEntry;
    try {
      const serverDeleted = Boolean(options.remote && thread.remoteId);
      if (serverDeleted) {
        try {
          await this.options.backendFor(thread.backend).deleteThread(thread.remoteId!);
        } catch (err) {
          const described = describeError(err);
          if (described.kind !== 'notFound') {
            throw new SendError(l10n.t('Could not delete the thread on the server, so the local thread was kept. {0}', described.message), { cause: err });
          }
        }
      }
      entry = await this.options.store.delete(threadId, { serverDeleted });
    } finally {
      this.deleting.delete(threadId);
    }
    this.emitThreads();
    return entry;
  }

  /** Brings a thread back from Recently Deleted. */
  async restore(threadId: string): Promise<ThreadMeta> {
    const thread = await this.options.store.restore(threadId);
    this.emitThreads();
    return thread;
  }

  /** Bookmarks a message of the thread, or removes its bookmark; returns whether it is now bookmarked. */
  async toggleBookmark(threadId: string, messageId: string): Promise<boolean> {
    const { store } = this.options;
    const thread = store.get(threadId);
    if (!thread) throw new SendError(l10n.t('That thread no longer exists.'));
    const current = thread.bookmarks ?? [];
    const on = !current.includes(messageId);
    // Read by id (the message is on screen, so a recent page left its place): never the whole thread.
    if (on && !(await store.message(threadId, messageId))) throw new SendError(l10n.t('That message is not in this thread.'));
    await store.update(threadId, { bookmarks: on ? [...current, messageId] : current.filter((id) => id !== messageId) });
    this.emitThreads();
    return on;
  }

  /**
   * Stores an exported thread (see exportThread.parseThreadJson) as a new local thread: new ids,
   * the same dialect and title, no server-side thread yet. Server ids of its messages belonged
   * to the old server thread, so they are dropped. If storing fails part-way, the partial thread
   * is removed and SendError thrown.
   */
  async importThread(doc: ThreadDocument, init: { workspaceFolder?: string } = {}): Promise<ThreadMeta> {
    const { store } = this.options;
    let thread = await store.create({ backend: doc.thread.backend, title: doc.thread.title, ...init });
    try {
      const patch: MetaPatch = {};
      if (doc.thread.limits) patch.limits = doc.thread.limits;
      if (doc.thread.titleLocked) patch.titleLocked = true;
      if (Object.keys(patch).length) thread = await store.update(thread.id, patch);
      const ids = new Map(doc.messages.map((m) => [m.id, newLocalId('msg')]));
      for (const source of doc.messages) {
        const message: Message = { ...source, id: ids.get(source.id) ?? newLocalId('msg'), threadId: thread.id };
        delete message.remoteId;
        delete message.omittedMessageIds;
        const omitted = source.omittedMessageIds?.flatMap((id) => ids.get(id) ?? []);
        if (omitted?.length) message.omittedMessageIds = omitted;
        thread = await store.append(thread.id, message);
      }
      const bookmarks = doc.thread.bookmarks?.flatMap((id) => ids.get(id) ?? []);
      if (bookmarks?.length) thread = await store.update(thread.id, { bookmarks });
    } catch (err) {
      await store.delete(thread.id).catch(() => undefined);
      throw new SendError(l10n.t('Could not import the thread: {0}', describeError(err).message), { cause: err });
    }
    this.emitThreads();
    return thread;
  }

  /**
   * Makes a local file ready to send with the thread's dialect: uploaded through the Files API or
   * inlined. Throws SendError with a message for the user when the dialect cannot take it.
   */
  async prepareAttachment(threadId: string, part: AttachmentPart, data: Uint8Array, options: AttachmentOptions = {}): Promise<AttachmentPart> {
    const thread = this.options.store.get(threadId);
    if (!thread) throw new SendError(l10n.t('That thread no longer exists.'));
    const backend = this.options.backendFor(thread.backend);
    if (!backend.prepareAttachment) throw new SendError(l10n.t('Threads of this dialect ({0}) cannot take attachments.', thread.backend));
    try {
      return await backend.prepareAttachment(part, data, options);
    } catch (err) {
      throw new SendError(describeError(err).message, { cause: err });
    }
  }

  /**
   * Brings a thread that exists on the server (a `conv_…` or `thread_…` id) into the library:
   * every message, oldest first, fetched page by page. Nothing is stored if listing fails.
   * `known` is what another machine knows of it (Settings Sync): its id, title and flags are kept.
   */
  async openRemote(kind: BackendKind, remoteId: string, signal?: AbortSignal, known?: RemoteThreadInit): Promise<ThreadMeta> {
    const backend = this.options.backendFor(kind);
    if (!backend.listMessages) throw new SendError(l10n.t('Threads of this dialect ({0}) live only in Threadline; there is nothing to open on the server.', kind));
    const existing = this.options.store.list().find((t) => t.remoteId === remoteId);
    if (existing) return existing;
    const fetched: RemoteMessage[] = [];
    try {
      for await (const message of backend.listMessages(remoteId, signal ? { signal } : {})) fetched.push(message);
    } catch (err) {
      throw new SendError(describeError(err).message, { cause: err });
    }
    await this.nameRemoteFiles(backend, fetched);
    const { store } = this.options;
    let thread = await store.create({ backend: kind, ...(known ? { id: known.id, title: known.title, createdAt: known.createdAt } : {}) });
    const flags: MetaPatch = { remoteId };
    if (known?.title) flags.titleLocked = true;
    if (known?.pinned) flags.pinned = true;
    if (known?.archived) flags.archived = true;
    thread = await store.update(thread.id, flags);
    for (const remote of fetched) {
      thread = await store.append(thread.id, {
        id: newLocalId('msg'),
        threadId: thread.id,
        role: remote.role,
        content: remote.content,
        createdAt: remote.createdAt ?? this.now(),
        status: 'complete',
        remoteId: remote.remoteId,
      });
    }
    const firstText = fetched.flatMap((m) => m.content).find((p) => p.type === 'text');
    if (firstText?.type === 'text' && !known?.title) thread = await this.retitle(thread, firstText.text);
    this.emitThreads();
    return thread;
  }

  /** Sets (or, with undefined, clears) the context limits every later run of the thread uses. */
  async setLimits(threadId: string, limits: ContextLimits | undefined): Promise<ThreadMeta> {
    const thread = await this.options.store.update(threadId, { limits });
    this.emitThreads();
    return thread;
  }

  /**
   * Asks the server whether each thread's server-side copy still exists and marks the missing
   * ones `remoteGone` (see reconcile.ts: their next send re-creates them with the local
   * history). Never deletes anything; a thread that could not be checked is reported in
   * `failed`, not thrown. One threadsChanged at the end, however many threads changed.
   */
  async reconcile(options: ReconcileOptions = {}): Promise<ReconcileResult> {
    try {
      return await reconcileThreads(this.options.store, this.options.backendFor, options);
    } finally {
      this.emitThreads();
    }
  }

  /**
   * Moves a thread to another dialect. Its server-side thread belongs to the old dialect, so the
   * next send creates a new one; the local history stays. So does a gone one's old id.
   */
  async setBackend(threadId: string, backend: BackendKind): Promise<ThreadMeta> {
    if (this.active.has(threadId)) throw new SendError(stillStreaming());
    const thread = await this.options.store.update(threadId, { backend, remoteId: undefined, remoteGone: false, goneRemoteId: undefined });
    this.emitThreads();
    return thread;
  }

  /**
   * Sends `text` and streams the reply. Throws SendError only when nothing was stored; once the
   * user's message is stored it resolves with the stored assistant message, whatever happened.
   * While the thread has a reply in progress the message waits in the thread's queue (see
   * `queued`) and goes out when that reply ends, however it ends (Stop included); until then
   * `unqueue` can take it out.
   */
  async send(threadId: string, text: string, attachments: readonly AttachmentPart[] = [], runLimits?: ContextLimits): Promise<Message> {
    if (this.disposed) throw new SendError(l10n.t('Threadline is shutting down.'));
    if (!text.trim() && attachments.length === 0) throw new SendError(l10n.t('Type a message to send.'));
    if (this.deleting.has(threadId)) throw new SendError(l10n.t('That thread is being deleted.'));
    if (this.active.has(threadId)) return this.enqueue({ id: newLocalId('msg'), threadId, text, attachments, ...(runLimits ? { runLimits } : {}) });
    // Claimed before the first await, so a second send to this thread queues at once.
    const controller = new AbortController();
    this.active.set(threadId, controller);
    return this.sendNow(threadId, text, attachments, runLimits, controller);
  }

  /** The messages waiting in `threadId` for its reply in progress, oldest first. */
  queued(threadId: string): QueuedSend[] {
    return (this.queues.get(threadId) ?? []).map(({ settle: _settle, ...queued }) => queued);
  }

  /**
   * Takes a queued message out before it goes: its send rejects with UnqueuedError (nothing was
   * stored). False when it is no longer queued (it went out, or was taken out already).
   */
  unqueue(threadId: string, queuedId: string, options: { giveBack: boolean }): boolean {
    const queue = this.queues.get(threadId) ?? [];
    const index = queue.findIndex((q) => q.id === queuedId);
    if (index < 0) return false;
    const [entry] = queue.splice(index, 1);
    this.emitQueue(threadId);
    entry!.settle.reject(new UnqueuedError(options.giveBack));
    return true;
  }

  private enqueue(queued: QueuedSend): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const queue = this.queues.get(queued.threadId) ?? [];
      queue.push({ ...queued, settle: { resolve, reject } });
      this.queues.set(queued.threadId, queue);
      this.emitQueue(queued.threadId);
    });
  }

  /** The thread's oldest queued message, sent now that its thread is free (see release). */
  private sendNextQueued(threadId: string): void {
    const entry = this.queues.get(threadId)?.shift();
    if (!entry) return;
    this.emitQueue(threadId);
    // Claimed at once, so a send arriving in between queues behind the rest rather than overtaking.
    const controller = new AbortController();
    this.active.set(threadId, controller);
    this.sendNow(threadId, entry.text, entry.attachments, entry.runLimits, controller).then(entry.settle.resolve, entry.settle.reject);
  }

  private async sendNow(threadId: string, text: string, attachments: readonly AttachmentPart[], runLimits: ContextLimits | undefined, controller: AbortController): Promise<Message> {
    try {
      const prepared = await this.prepare(threadId, text, attachments, controller.signal);
      return await this.streamReply(prepared, controller, runLimits);
    } finally {
      this.release(threadId, controller);
    }
  }

  /**
   * Asks again for a reply to the thread's last user message (Retry after a failed, stopped or
   * cut-short reply; Regenerate after a finished one). Nothing is removed: the earlier reply
   * stays above the new one, and the user's message is not stored twice. The server-side
   * thread does get the message again, as a server keeps no way to take a reply back.
   */
  async rerun(threadId: string, runLimits?: ContextLimits): Promise<Message> {
    if (this.disposed) throw new SendError(l10n.t('Threadline is shutting down.'));
    if (this.active.has(threadId)) throw new SendError(stillStreaming());
    if (this.deleting.has(threadId)) throw new SendError(l10n.t('That thread is being deleted.'));
    const controller = new AbortController();
    this.active.set(threadId, controller);
    try {
      const { store } = this.options;
      if (!store.get(threadId)) throw new SendError(l10n.t('That thread no longer exists.'));
      // The newest user message is at most a few messages back: every send ends in one reply.
      const recent = await store.lastMessages(threadId, 8);
      const input = recent.findLast((m) => m.role === 'user');
      if (!input || recent.at(-1)?.role !== 'assistant') throw new SendError(l10n.t('There is no reply to ask for again: send a message first.'));
      const { thread, backend, model } = await this.connect(threadId, controller.signal);
      return await this.streamReply({ thread, backend, model, input, history: store.historyBefore(threadId, input.id) }, controller, runLimits);
    } finally {
      this.release(threadId, controller);
    }
  }

  /**
   * Continue after the thread's latest reply was cut short: sends only the continuation request,
   * never attachments or per-run limits meant for the user's next message. Refused (SendError)
   * unless the latest message is an incomplete reply.
   */
  async continueReply(threadId: string): Promise<Message> {
    if (!this.options.store.get(threadId)) throw new SendError(l10n.t('That thread no longer exists.'));
    const [latest] = await this.options.store.lastMessages(threadId, 1);
    if (latest?.role !== 'assistant' || latest.status !== 'incomplete') throw new SendError(l10n.t('Only the latest reply, when it was cut short, can be continued.'));
    return this.send(threadId, CONTINUE_TEXT);
  }

  /** Aborts the reply streaming in `threadId`; false when there is none. */
  stop(threadId: string): boolean {
    const controller = this.active.get(threadId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  isStreaming(threadId: string): boolean {
    return this.active.has(threadId);
  }

  /** Stops every reply; each still stores its partial text as cancelled. Queued messages are not sent. */
  dispose(): void {
    this.disposed = true;
    this.libraryEvents.dispose();
    const queued = [...this.queues.values()].flat();
    this.queues.clear();
    for (const entry of queued) entry.settle.reject(new SendError(l10n.t('Threadline is shutting down.')));
    for (const controller of this.active.values()) controller.abort();
  }

  /**
   * The thread's backend and model, with its server-side thread made first where there is none
   * yet. Fails with SendError before anything is stored.
   */
  private async connect(threadId: string, signal: AbortSignal): Promise<{ thread: ThreadMeta; backend: Backend; model: string }> {
    const { store } = this.options;
    let thread = store.get(threadId);
    if (!thread) throw new SendError(l10n.t('That thread no longer exists.'));
    let backend: Backend;
    let model: string;
    try {
      model = this.options.settings().model;
      backend = this.options.backendFor(thread.backend);
      if (!thread.remoteId) {
        // An imported thread, one moved to another dialect, or one whose server copy is gone
        // takes its history to the server. A dialect whose server keeps no thread (no
        // threadExists: Chat Completions) comes here on every send and takes nothing, so the
        // thread, perhaps 100,000 messages long, is not read for it.
        const earlier = thread.messageCount > 0 && backend.threadExists ? await store.messages(threadId) : [];
        const { remoteId } = await backend.createThread(thread, earlier);
        // Re-created, a gone thread is whole again; its old server id is no longer worth keeping.
        const recreated: MetaPatch = thread.remoteGone ? { remoteGone: false, goneRemoteId: undefined } : {};
        if (remoteId) thread = await store.update(threadId, { remoteId, ...recreated });
      }
    } catch (err) {
      const described = describeError(err);
      throw new SendError(described.message, { cause: err, kind: described.kind });
    }
    // Stopped while the server thread was being created: nothing is stored, the draft goes back.
    if (signal.aborted) throw new SendError(l10n.t('Stopped before sending; your message was not sent.'));
    return { thread, backend, model };
  }

  /** Steps up to the stored user message. Any failure here throws SendError with nothing stored. */
  private async prepare(threadId: string, text: string, attachments: readonly AttachmentPart[], signal: AbortSignal): Promise<PreparedSend> {
    const { store } = this.options;
    // A library that cannot take the message is found before a server thread is made for it.
    const health = store.health.writable ? store.health : await store.retryWrites();
    if (!health.writable) throw new SendError(new LibraryUnavailableError(health.problem).message);
    const { backend, model } = await this.connect(threadId, signal);
    let thread: ThreadMeta;

    const input: Message = {
      id: newLocalId('msg'),
      threadId,
      role: 'user',
      content: text.trim() ? [...attachments, { type: 'text', text }] : [...attachments],
      createdAt: this.now(),
      status: 'complete',
    };
    try {
      thread = await store.append(threadId, input);
    } catch (err) {
      const message = err instanceof LibraryUnavailableError ? err.message : l10n.t('Could not save your message: {0}', describeError(err).message);
      throw new SendError(message, { cause: err });
    }
    this.emit({ type: 'message', message: input });
    if (thread.messageCount === 1 && thread.title === DEFAULT_THREAD_TITLE && !thread.titleLocked) {
      thread = await this.retitle(thread, text.trim() ? text : attachments.map((a) => a.name).join(', '));
    }
    this.emitThreads();
    // Nothing is read yet: a dialect that keeps the thread on the server may never ask.
    return { thread, backend, model, input, history: store.historyBefore(threadId, input.id) };
  }

  // A missing title is cosmetic: a disk error here must not turn into a failed send.
  private async retitle(thread: ThreadMeta, text: string): Promise<ThreadMeta> {
    // A rename may have landed while the message was being stored; the user's title wins.
    if (this.options.store.get(thread.id)?.titleLocked) return thread;
    try {
      return await this.options.store.update(thread.id, { title: titleFromText(text) });
    } catch (err) {
      this.options.onProblem?.(`Could not save the title of thread ${thread.id}: ${describeError(err).message}`);
      return thread;
    }
  }

  private async streamReply({ thread, backend, model, input, history }: PreparedSend, controller: AbortController, runLimits: ContextLimits | undefined): Promise<Message> {
    const messageId = newLocalId('msg');
    const createdAt = this.now();
    this.emit({ type: 'streamStart', threadId: thread.id, messageId });
    const request: ReplyRequest = { thread, history, input, model, signal: controller.signal };
    // A run's own limits override the thread's, field by field (as Assistants' run parameters do).
    const limits = { ...thread.limits, ...runLimits };
    if (Object.keys(limits).length) request.limits = limits;
    const { text, annotations, model: replyModel, ...ending } = await this.collectReply(backend, request, messageId);
    const message: Message = {
      id: messageId,
      threadId: thread.id,
      role: 'assistant',
      content: [annotations?.length ? { type: 'text', text, annotations } : { type: 'text', text }],
      createdAt,
      ...ending,
      model: replyModel ?? model,
    };
    await this.nameCitedFiles(backend, message);
    const stored = await this.store(message);
    // Released before streamEnd so a listener may send the next message straight away.
    this.release(thread.id, controller);
    this.emit({ type: 'streamEnd', threadId: thread.id, message: stored });
    this.emitThreads();
    return stored;
  }

  /** Runs the backend's stream to its end, turning every way it can end into an outcome. */
  private async collectReply(backend: Backend, request: ReplyRequest, messageId: string): Promise<ReplyOutcome> {
    const { signal } = request;
    let text = '';
    try {
      for await (const event of backend.reply(request)) {
        // A backend that keeps yielding after stop() must not keep painting text.
        if (signal.aborted) break;
        if (event.type === 'delta') {
          text += event.text;
          this.emit({ type: 'streamDelta', threadId: request.thread.id, messageId, text: event.text });
          continue;
        }
        // The server's final text wins over the joined deltas: it is what its annotations index into.
        const ended: ReplyOutcome = { text: event.text ?? text, status: event.status };
        if (event.annotations?.length) ended.annotations = event.annotations;
        if (event.omittedMessageIds?.length) ended.omittedMessageIds = event.omittedMessageIds;
        if (event.status === 'incomplete') ended.error = incompleteExplanation(event.reason);
        if (event.usage) ended.usage = event.usage;
        if (event.remoteId) ended.remoteId = event.remoteId;
        if (event.model) ended.model = event.model;
        return ended;
      }
    } catch (err) {
      if (!signal.aborted) {
        const described = describeError(err);
        return { text, status: 'error', error: described.message, errorKind: described.kind };
      }
    }
    if (signal.aborted) return { text, status: 'cancelled', error: l10n.t('Stopped.') };
    return { text, status: 'incomplete', error: l10n.t('The server ended the reply without finishing it.') };
  }

  /** Gives citations that carry only a file id the file's name (see cachedFileName). */
  private async nameCitedFiles(backend: Backend, message: Pick<Message, 'content'>): Promise<void> {
    await Promise.all(
      message.content.flatMap((part) =>
        part.type === 'text' && part.annotations
          ? part.annotations.map(async (a) => {
              if (a.filename || !a.fileId || a.containerId) return;
              const name = await this.cachedFileName(backend, a.fileId);
              if (name) a.filename = name;
            })
          : [],
      ),
    );
  }

  /**
   * Names what a server-side thread read back carries only by id: attachments and images whose
   * name is their file id (the server keeps no name with the message), and citations.
   */
  private async nameRemoteFiles(backend: Backend, messages: readonly RemoteMessage[]): Promise<void> {
    await Promise.all(
      messages.flatMap((message) => [
        this.nameCitedFiles(backend, message),
        ...message.content.map(async (part) => {
          if ((part.type !== 'file' && part.type !== 'image') || !part.fileId || part.name !== part.fileId) return;
          const name = await this.cachedFileName(backend, part.fileId);
          if (name) part.name = name;
        }),
      ]),
    );
  }

  /**
   * A file's name: one lookup per distinct file on a server, shared by every caller and kept for
   * the life of the service, never one per citation. A failed lookup is forgotten, so the next
   * reply asks again; until then the id stands.
   */
  private cachedFileName(backend: Backend, fileId: string): Promise<string | undefined> {
    if (!backend.fileName) return Promise.resolve(undefined);
    const key = `${backend.kind} ${backend.server} ${fileId}`;
    const cached = this.fileNames.get(key);
    if (cached) return cached;
    const name = backend.fileName(fileId).catch(() => {
      if (this.fileNames.get(key) === name) this.fileNames.delete(key);
      return undefined;
    });
    this.fileNames.set(key, name);
    return name;
  }

  /**
   * Stores the reply. If the disk refuses, the user has still seen the text, so the in-memory
   * message is returned (and shown) marked as an unsaved error rather than thrown away: the
   * text stays on screen to copy, and the user's message, already stored, is not offered again.
   */
  private async store(message: Message): Promise<Message> {
    try {
      await this.options.store.append(message.threadId, message);
      return message;
    } catch (err) {
      const reason = `This reply could not be saved (${describeError(err).message}) and will be gone when the thread is reopened.`;
      this.options.onProblem?.(reason);
      return { ...message, status: 'error', error: message.error ? `${message.error} ${reason}` : reason };
    }
  }

  private async updateThread(threadId: string, patch: MetaPatch): Promise<ThreadMeta> {
    if (!this.options.store.get(threadId)) throw new SendError(l10n.t('That thread no longer exists.'));
    const thread = await this.options.store.update(threadId, patch);
    this.emitThreads();
    return thread;
  }

  /** Frees the thread after its run; the next queued message, if any, takes it over at once. */
  private release(threadId: string, controller: AbortController): void {
    if (this.active.get(threadId) !== controller) return;
    this.active.delete(threadId);
    if (!this.disposed) this.sendNextQueued(threadId);
  }

  /** What another window did to the library shows here as if it happened here. */
  private onLibraryEvent(e: LibraryEvent): void {
    switch (e.type) {
      case 'messages':
        for (const message of e.messages) this.emit({ type: 'message', message });
        return;
      case 'threads':
      case 'removed':
        this.emitThreads();
        return;
      default:
        return;
    }
  }

  private emitQueue(threadId: string): void {
    this.emit({ type: 'queueChanged', threadId, queued: this.queued(threadId) });
  }

  private emitThreads(): void {
    this.emit({ type: 'threadsChanged', threads: this.options.store.list() });
  }

  private emit(event: ChatEvent): void {
    for (const listener of [...this.listeners]) {
      // One faulty listener must not break the send or starve the others.
      try {
        listener(event);
      } catch (err) {
        this.options.onProblem?.(`A chat event listener failed: ${describeError(err).message}`);
      }
    }
  }
}

/** Why the server stopped early, in words a user understands. */
function incompleteExplanation(reason: string | undefined): string {
  switch (reason) {
    case 'max_output_tokens':
    case 'max_completion_tokens':
    case 'max_tokens':
    case 'length':
      return l10n.t('The reply reached the maximum output length and was cut short.');
    case 'max_prompt_tokens':
      return l10n.t("The conversation no longer fits this thread's prompt-token limit; the reply was cut short.");
    case 'content_filter':
      return l10n.t('The reply was cut short by the content filter.');
    case undefined:
    case '':
      return l10n.t('The server stopped the reply early.');
    default:
      return l10n.t('The server stopped the reply early ({0}).', reason);
  }
}
