// What the user does to threads as a whole: create, rename, pin, archive, delete and restore,
// bookmark, import, open from the server, set limits or dialect, check against the server. Each
// change is stored, then told to the listeners as `threadsChanged`; changes other windows make to
// the library are told the same way, so a panel cannot tell them apart.
import * as l10n from '@vscode/l10n';
import type { Backend, RemoteMessage } from '../backends/backend';
import { describeError } from '../backends/errors';
import { newLocalId } from '../ids';
import type { ThreadDocument } from '../library/exportThread';
import type { LibraryEvent, ThreadStore, TrashEntry } from '../library/threadStore';
import { titleFromText } from '../model';
import type { BackendKind, ContextLimits, Message, ThreadMeta } from '../model';
import type { MetaPatch } from '../storage/records';
import type { ChatEvents } from './chatEvents';
import { SendError, stillStreaming, threadGone } from './chatEvents';
import type { FileNames } from './fileNames';
import { reconcileThreads } from './reconcile';
import type { ReconcileOptions, ReconcileResult } from './reconcile';
import type { ThreadActivity } from './threadActivity';

export interface ThreadActionsDeps {
  store: ThreadStore;
  backendFor: (kind: BackendKind) => Backend;
  /** The dialect new threads speak. */
  defaultBackend: () => BackendKind;
  events: ChatEvents;
  activity: ThreadActivity;
  fileNames: FileNames;
  now?: () => number;
  /** Told about failures that stop nothing (a title that could not be saved). */
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

export class ThreadActions {
  private readonly now: () => number;
  /** Stops hearing the library's news of other windows. */
  private readonly libraryEvents: { dispose(): void };

  constructor(private readonly deps: ThreadActionsDeps) {
    this.now = deps.now ?? Date.now;
    this.libraryEvents = deps.store.onDidChange((e) => this.onLibraryEvent(e));
  }

  /** A new, empty local thread; the server-side thread is created by the first send. */
  async createThread(init: { workspaceFolder?: string } = {}): Promise<ThreadMeta> {
    const thread = await this.deps.store.create({ backend: this.deps.defaultBackend(), ...init });
    this.changed();
    return thread;
  }

  /** Renames a thread (whitespace collapsed: a title is one list row) and stops auto-titling it. */
  rename(threadId: string, title: string): Promise<ThreadMeta> {
    const clean = title.replace(/\s+/g, ' ').trim();
    if (!clean) return Promise.reject(new SendError(l10n.t('A thread title cannot be empty.')));
    return this.update(threadId, { title: clean, titleLocked: true });
  }

  setPinned(threadId: string, pinned: boolean): Promise<ThreadMeta> {
    return this.update(threadId, { pinned });
  }

  setArchived(threadId: string, archived: boolean): Promise<ThreadMeta> {
    return this.update(threadId, { archived });
  }

  /** Sets (or, with undefined, clears) the context limits every later run of the thread uses. */
  setLimits(threadId: string, limits: ContextLimits | undefined): Promise<ThreadMeta> {
    return this.update(threadId, { limits });
  }

  /**
   * Moves a thread to another dialect. Its server-side thread belongs to the old dialect, so the
   * next send creates a new one; the local history stays. So does a gone one's old id.
   */
  setBackend(threadId: string, backend: BackendKind): Promise<ThreadMeta> {
    if (this.deps.activity.isSending(threadId)) return Promise.reject(new SendError(stillStreaming()));
    return this.update(threadId, { backend, remoteId: undefined, remoteGone: false, goneRemoteId: undefined });
  }

  /**
   * Moves a thread to Recently Deleted (restore brings it back); with `remote`, its server-side
   * thread is deleted first, for good. A server thread that is already gone (404) does not stop
   * the local delete; any other server failure throws SendError before anything local is
   * touched, so the user can retry and nothing is lost.
   */
  async delete(threadId: string, options: { remote?: boolean } = {}): Promise<TrashEntry | undefined> {
    const { activity, store } = this.deps;
    if (activity.isSending(threadId)) throw new SendError(stillStreaming());
    const thread = store.get(threadId);
    if (!thread) throw new SendError(threadGone());
    const entry = await activity.whileDeleting(threadId, async () => {
      const serverDeleted = Boolean(options.remote && thread.remoteId);
      if (serverDeleted) await this.deleteOnServer(thread);
      return store.delete(threadId, { serverDeleted });
    });
    if (entry) this.changed();
    return entry;
  }

  /** Brings a thread back from Recently Deleted. */
  async restore(threadId: string): Promise<ThreadMeta> {
    const thread = await this.deps.store.restore(threadId);
    this.changed();
    return thread;
  }

  /** Bookmarks a message of the thread, or removes its bookmark; returns whether it is now bookmarked. */
  async toggleBookmark(threadId: string, messageId: string): Promise<boolean> {
    const { store } = this.deps;
    const thread = store.get(threadId);
    if (!thread) throw new SendError(threadGone());
    const current = thread.bookmarks ?? [];
    const on = !current.includes(messageId);
    // Read by id (the message is on screen, so a recent page left its place): never the whole thread.
    if (on && !(await store.message(threadId, messageId))) throw new SendError(l10n.t('That message is not in this thread.'));
    await this.update(threadId, { bookmarks: on ? [...current, messageId] : current.filter((id) => id !== messageId) });
    return on;
  }

  /**
   * Stores an exported thread (see exportThread.parseThreadJson) as a new local thread: new ids,
   * the same dialect and title, no server-side thread yet. Server ids of its messages belonged
   * to the old server thread, so they are dropped. If storing fails part-way, the partial thread
   * is removed and SendError thrown.
   */
  async importThread(doc: ThreadDocument, init: { workspaceFolder?: string } = {}): Promise<ThreadMeta> {
    const { store } = this.deps;
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
    this.changed();
    return thread;
  }

  /**
   * Brings a thread that exists on the server (a `conv_…` or `thread_…` id) into the library:
   * every message, oldest first, fetched page by page. Nothing is stored if listing fails.
   * `known` is what another machine knows of it (Settings Sync): its id, title and flags are kept.
   */
  async openRemote(kind: BackendKind, remoteId: string, signal?: AbortSignal, known?: RemoteThreadInit): Promise<ThreadMeta> {
    const { store } = this.deps;
    const backend = this.deps.backendFor(kind);
    if (!backend.listMessages) throw new SendError(l10n.t('Threads of this dialect ({0}) live only in Threadline; there is nothing to open on the server.', kind));
    const existing = store.list().find((t) => t.remoteId === remoteId);
    if (existing) return existing;
    const fetched: RemoteMessage[] = [];
    try {
      for await (const message of backend.listMessages(remoteId, signal ? { signal } : {})) fetched.push(message);
    } catch (err) {
      throw new SendError(describeError(err).message, { cause: err });
    }
    await this.deps.fileNames.nameRemoteFiles(backend, fetched);
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
    this.changed();
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
      return await reconcileThreads(this.deps.store, this.deps.backendFor, options);
    } finally {
      this.changed();
    }
  }

  /** A first-message title for `thread`, unless the user named it meanwhile. A disk error here is cosmetic: it is told, not thrown. */
  async retitle(thread: ThreadMeta, text: string): Promise<ThreadMeta> {
    const { store } = this.deps;
    // A rename may have landed while the message was being stored; the user's title wins.
    if (store.get(thread.id)?.titleLocked) return thread;
    try {
      return await store.update(thread.id, { title: titleFromText(text) });
    } catch (err) {
      this.deps.onProblem?.(`Could not save the title of thread ${thread.id}: ${describeError(err).message}`);
      return thread;
    }
  }

  /** Tells the listeners the library changed (after a change stored elsewhere, such as a send). */
  changed(): void {
    this.deps.events.emit({ type: 'threadsChanged' });
  }

  dispose(): void {
    this.libraryEvents.dispose();
  }

  private async update(threadId: string, patch: MetaPatch): Promise<ThreadMeta> {
    if (!this.deps.store.get(threadId)) throw new SendError(threadGone());
    const thread = await this.deps.store.update(threadId, patch);
    this.changed();
    return thread;
  }

  private async deleteOnServer(thread: ThreadMeta): Promise<void> {
    try {
      await this.deps.backendFor(thread.backend).deleteThread(thread.remoteId!);
    } catch (err) {
      const described = describeError(err);
      if (described.kind !== 'notFound') {
        throw new SendError(l10n.t('Could not delete the thread on the server, so the local thread was kept. {0}', described.message), { cause: err });
      }
    }
  }

  /** What another window did to the library shows here as if it happened here. */
  private onLibraryEvent(e: LibraryEvent): void {
    switch (e.type) {
      case 'messages':
        for (const message of e.messages) this.deps.events.emit({ type: 'message', message });
        return;
      case 'threads':
      case 'removed':
        this.changed();
        return;
      default:
        return;
    }
  }
}
