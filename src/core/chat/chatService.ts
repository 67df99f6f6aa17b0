// Sends a message and streams its reply: the store keeps what the user typed and what came back,
// the backend streams the reply, ThreadActivity holds the reply as it arrives (its one copy), and
// listeners see each step as an event. Before the user's message is stored a failure throws
// SendError (nothing kept, so the draft goes back); after it, every path stores exactly one
// assistant message and emits exactly one streamEnd.
import * as l10n from '@vscode/l10n';
import type { Backend, HistorySource, ReplyRequest } from '../backends/backend';
import { describeError } from '../backends/errors';
import { newLocalId } from '../ids';
import { LibraryUnavailableError } from '../library/health';
import { DEFAULT_THREAD_TITLE } from '../library/threadStore';
import type { ThreadStore } from '../library/threadStore';
import type { AttachmentPart, BackendKind, ContextLimits, Message, ThreadMeta } from '../model';
import type { MetaPatch } from '../storage/records';
import type { ChatEvents, QueuedSend } from './chatEvents';
import { SendError, stillStreaming, threadGone } from './chatEvents';
import type { FileNames } from './fileNames';
import { collectReply, startReply } from './replyCollector';
import { SendQueue } from './sendQueue';
import type { ThreadActions } from './threadActions';
import type { SendTrace } from './sendTrace';
import type { ReplyInProgress, ThreadActivity } from './threadActivity';

export interface ChatServiceDeps {
  store: ThreadStore;
  backendFor: (kind: BackendKind) => Backend;
  /** The model replies are asked of. */
  model: () => string;
  events: ChatEvents;
  activity: ThreadActivity;
  threads: ThreadActions;
  fileNames: FileNames;
  now?: () => number;
  /** Told about failures that stop nothing (a reply that could not be saved). */
  onProblem?: (message: string) => void;
  /** Told each step of a send (the benchmark's stages). */
  trace?: SendTrace;
}

/** What Continue sends: the model reads it as "go on from where the reply stopped". */
export const CONTINUE_TEXT = 'Continue.';

const shuttingDown = (): string => l10n.t('Threadline is shutting down.');

/** What a send has once the user's message is in the file. */
interface PreparedSend {
  thread: ThreadMeta;
  backend: Backend;
  model: string;
  input: Message;
  /** The messages before `input`, read only as far as the backend asks. */
  history: HistorySource;
  /** Settles once `input` is stored (fsynced, and shown); rejects with SendError when it is not. */
  stored?: Promise<Acknowledged>;
}

/** A stored user message, told to every listener. */
interface Acknowledged {
  /** A new thread's title, made from its first message (or nothing to make): the list hears of both after the first delta. */
  titled: Promise<unknown>;
}

export class ChatService {
  private readonly now: () => number;
  private readonly queue: SendQueue<Message>;
  private disposed = false;

  constructor(private readonly deps: ChatServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.queue = new SendQueue(deps.events);
  }

  /**
   * Sends `text` and streams the reply. Throws SendError only when nothing was stored; once the
   * user's message is stored it resolves with the stored assistant message, whatever happened.
   * While the thread has a reply in progress the message waits in the thread's queue (see
   * `queued`) and goes out when that reply ends, however it ends (Stop included); until then
   * `unqueue` can take it out.
   */
  async send(threadId: string, text: string, attachments: readonly AttachmentPart[] = [], runLimits?: ContextLimits): Promise<Message> {
    if (this.disposed) throw new SendError(shuttingDown());
    if (!text.trim() && attachments.length === 0) throw new SendError(l10n.t('Type a message to send.'));
    if (this.deps.activity.isDeleting(threadId)) throw new SendError(l10n.t('That thread is being deleted.'));
    this.deps.trace?.('received', threadId);
    // Claimed before the first await, so a second send to this thread queues at once.
    const controller = new AbortController();
    if (!this.deps.activity.claim(threadId, controller)) return this.queue.add({ id: newLocalId('msg'), threadId, text, attachments, ...(runLimits ? { runLimits } : {}) });
    return this.sendNow(threadId, text, attachments, runLimits, controller);
  }

  /** The messages waiting in `threadId` for its reply in progress, oldest first. */
  queued(threadId: string): QueuedSend[] {
    return this.queue.list(threadId);
  }

  /**
   * Takes a queued message out before it goes: its send rejects with UnqueuedError (nothing was
   * stored). False when it is no longer queued (it went out, or was taken out already).
   */
  unqueue(threadId: string, queuedId: string, options: { giveBack: boolean }): boolean {
    return this.queue.remove(threadId, queuedId, options.giveBack);
  }

  /**
   * Asks again for a reply to the thread's last user message (Retry after a failed, stopped or
   * cut-short reply; Regenerate after a finished one). Nothing is removed: the earlier reply
   * stays above the new one, and the user's message is not stored twice. The server-side
   * thread does get the message again, as a server keeps no way to take a reply back.
   */
  async rerun(threadId: string, runLimits?: ContextLimits): Promise<Message> {
    const { activity, store } = this.deps;
    if (this.disposed) throw new SendError(shuttingDown());
    if (activity.isDeleting(threadId)) throw new SendError(l10n.t('That thread is being deleted.'));
    const controller = new AbortController();
    if (!activity.claim(threadId, controller)) throw new SendError(stillStreaming());
    try {
      if (!store.get(threadId)) throw new SendError(threadGone());
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
    if (!this.deps.store.get(threadId)) throw new SendError(threadGone());
    const [latest] = await this.deps.store.lastMessages(threadId, 1);
    if (latest?.role !== 'assistant' || latest.status !== 'incomplete') throw new SendError(l10n.t('Only the latest reply, when it was cut short, can be continued.'));
    return this.send(threadId, CONTINUE_TEXT);
  }

  /** Aborts the reply streaming in `threadId`; false when there is none. */
  stop(threadId: string): boolean {
    return this.deps.activity.stop(threadId);
  }

  /** A send is in progress in `threadId` (from its first check until its reply is stored). */
  isStreaming(threadId: string): boolean {
    return this.deps.activity.isSending(threadId);
  }

  /** The reply arriving in `threadId` now, as far as it has come. */
  replyInProgress(threadId: string): ReplyInProgress | undefined {
    return this.deps.activity.reply(threadId);
  }

  /** Stops every reply; each still stores its partial text as cancelled. Queued messages are not sent. */
  dispose(): void {
    this.disposed = true;
    this.queue.rejectAll(new SendError(shuttingDown()));
    this.deps.activity.stopAll();
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
   * The thread's backend and model, with its server-side thread made first where there is none
   * yet. Fails with SendError before anything is stored.
   */
  private async connect(threadId: string, signal: AbortSignal): Promise<{ thread: ThreadMeta; backend: Backend; model: string }> {
    const { store } = this.deps;
    let thread = store.get(threadId);
    if (!thread) throw new SendError(threadGone());
    let backend: Backend;
    let model: string;
    try {
      model = this.deps.model();
      backend = this.deps.backendFor(thread.backend);
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
    const { store } = this.deps;
    // A library that cannot take the message is found before a server thread is made for it;
    // a send is the user trying again, so it probes the disk once more.
    const health = store.health.writable ? store.health : await store.retryWrites();
    if (!health.writable) throw new SendError(new LibraryUnavailableError(health.problem).message);
    const { thread, backend, model } = await this.connect(threadId, signal);
    this.deps.trace?.('connected', threadId);
    const input: Message = {
      id: newLocalId('msg'),
      threadId,
      role: 'user',
      content: text.trim() ? [...attachments, { type: 'text', text }] : [...attachments],
      createdAt: this.now(),
      status: 'complete',
    };
    // The request goes out once the message is in the file, where every window can read it, while
    // the fsync finishes; nothing of the reply is shown before the message is stored (streamReply).
    // A failed fsync keeps the message too (the library says it may not survive a power cut).
    let written!: () => void;
    const inFile = new Promise<void>((resolve) => (written = resolve));
    const stored = store.append(threadId, input, written).then(
      (thread) => this.acknowledge(thread, input, text, attachments),
      (err: unknown) => {
        const message = err instanceof LibraryUnavailableError ? err.message : l10n.t('Could not save your message: {0}', describeError(err).message);
        throw new SendError(message, { cause: err });
      },
    );
    await Promise.race([inFile, stored]);
    // Nothing is read yet: a dialect that keeps the thread on the server may never ask.
    return { thread, backend, model, input, history: store.historyBefore(threadId, input.id), stored };
  }

  /** Tells everyone of the stored user message, and titles a new thread from it. */
  private acknowledge(thread: ThreadMeta, input: Message, text: string, attachments: readonly AttachmentPart[]): Acknowledged {
    this.deps.trace?.('stored', thread.id);
    this.deps.events.emit({ type: 'message', message: input });
    // A first message's title is made while the reply is on its way; it and the list's news of
    // the message go out after the first delta (see streamReply).
    const first = thread.messageCount === 1 && thread.title === DEFAULT_THREAD_TITLE && !thread.titleLocked;
    return { titled: first ? this.deps.threads.retitle(thread, text.trim() ? text : attachments.map((a) => a.name).join(', ')) : Promise.resolve() };
  }

  private async streamReply({ thread, backend, model, input, history, stored }: PreparedSend, controller: AbortController, runLimits: ContextLimits | undefined): Promise<Message> {
    const { activity, events, trace } = this.deps;
    const request: ReplyRequest = { thread, history, input, model, signal: controller.signal, ...(trace ? { trace: (stage: 'requestSent' | 'firstByte') => trace(stage, thread.id) } : {}) };
    // A run's own limits override the thread's, field by field (as Assistants' run parameters do).
    const limits = { ...thread.limits, ...runLimits };
    if (Object.keys(limits).length) request.limits = limits;
    const replies = startReply(backend, request);
    let titled: Promise<unknown> | undefined;
    try {
      titled = (await stored)?.titled;
    } catch (err) {
      // The message did not make it into the library after all (its thread was deleted meanwhile):
      // the request goes no further, and the user gets the text back.
      controller.abort();
      throw err;
    }
    // Every window's list, title and gauge follow the stored message; each view's update travels
    // the same way to the webviews as the reply, so it waits until the first delta has gone.
    let listed = titled === undefined;
    const list = () => {
      if (listed) return;
      listed = true;
      void titled!.then(() => this.deps.threads.changed());
    };
    const messageId = newLocalId('msg');
    const createdAt = this.now();
    activity.replyStarted(thread.id, messageId);
    events.emit({ type: 'streamStart', threadId: thread.id, messageId });
    let first = true;
    const { text, annotations, model: replyModel, ...ending } = await collectReply(replies, controller.signal, (delta) => {
      if (first) trace?.('firstDelta', thread.id);
      activity.replyGrew(thread.id, delta);
      events.emit({ type: 'streamDelta', threadId: thread.id, messageId, text: delta });
      if (first) list();
      first = false;
    });
    list();
    const message: Message = {
      id: messageId,
      threadId: thread.id,
      role: 'assistant',
      content: [annotations?.length ? { type: 'text', text, annotations } : { type: 'text', text }],
      createdAt,
      ...ending,
      model: replyModel ?? model,
    };
    await this.deps.fileNames.nameCitedFiles(backend, message);
    const reply = await this.storeReply(message);
    // Released before streamEnd so a listener may send the next message straight away.
    this.release(thread.id, controller);
    events.emit({ type: 'streamEnd', threadId: thread.id, message: reply });
    this.deps.threads.changed();
    return reply;
  }

  /**
   * Stores the reply. If the disk refuses, the user has still seen the text, so the in-memory
   * message is returned (and shown) marked as an unsaved error rather than thrown away: the
   * text stays on screen to copy, and the user's message, already stored, is not offered again.
   */
  private async storeReply(message: Message): Promise<Message> {
    try {
      await this.deps.store.append(message.threadId, message);
      return message;
    } catch (err) {
      const reason = `This reply could not be saved (${describeError(err).message}) and will be gone when the thread is reopened.`;
      this.deps.onProblem?.(reason);
      return { ...message, status: 'error', error: message.error ? `${message.error} ${reason}` : reason };
    }
  }

  /** Frees the thread after its run; the next queued message, if any, takes it over at once. */
  private release(threadId: string, controller: AbortController): void {
    if (!this.deps.activity.release(threadId, controller) || this.disposed) return;
    const entry = this.queue.next(threadId);
    if (!entry) return;
    // Claimed at once, so a send arriving in between queues behind the rest rather than overtaking.
    const next = new AbortController();
    this.deps.activity.claim(threadId, next);
    this.sendNow(threadId, entry.text, entry.attachments, entry.runLimits, next).then(entry.settle.resolve, entry.settle.reject);
  }
}
