// Carries the roaming part of the library (see core/library/roaming.ts) through VS Code's Settings
// Sync: one globalState key registered for sync, merged with this library when Threadline starts,
// after every change to the library, when the window comes to the front, and every minute
// (Settings Sync brings values without an event). Threads known only from other machines are
// listed, and opening one loads its messages from its server into this library under its own id.
import * as vscode from 'vscode';
import type { ChatEvents } from '../../core/chat/chatEvents';
import type { ThreadActions } from '../../core/chat/threadActions';
import type { ThreadActivity } from '../../core/chat/threadActivity';
import { coalesced } from '../../core/coalesced';
import type { ThreadStore } from '../../core/library/threadStore';
import { mergeRoaming, parseRoamingList } from '../../core/library/roaming';
import type { RoamingThread } from '../../core/library/roaming';
import type { ThreadMeta } from '../../core/model';
import { Disposable } from '../disposable';

/** The synced value: the roaming list. */
export const ROAMING_KEY = 'threadline.library.roaming';
/** This machine's own (not synced): the list as it last merged it, and the threads its library held then. */
const BASE_KEY = 'threadline.library.roamingBase';
const LOCAL_KEY = 'threadline.library.roamingLocalIds';
const MERGE_EVERY_MS = 60_000;

export type SyncedState = vscode.Memento & { setKeysForSync(keys: readonly string[]): void };

export class RoamingSync extends Disposable {
  private elsewhere: RoamingThread[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** The threads known only from other machines changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: SyncedState,
    private readonly store: ThreadStore,
    private readonly threads: ThreadActions,
    private readonly activity: Pick<ThreadActivity, 'isSending'>,
    events: ChatEvents,
    /** The server this window's threads are on (an origin). */
    private readonly server: () => string,
  ) {
    super();
    state.setKeysForSync([ROAMING_KEY]);
    this.register(events.onEvent((e) => e.type === 'threadsChanged' && this.schedule()));
    this.register(vscode.window.onDidChangeWindowState((s) => s.focused && this.schedule()));
    const every = setInterval(() => this.schedule(), MERGE_EVERY_MS);
    this.register({ dispose: () => (clearInterval(every), this.timer && clearTimeout(this.timer)) });
    this.schedule();
  }

  /** Threads other machines have and this library has not, as list entries. */
  placeholders(): ThreadMeta[] {
    return this.elsewhere.map((t) => ({
      id: t.id,
      title: t.title,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      backend: t.backend,
      remoteId: t.remoteId,
      messageCount: 0,
      roamingFrom: t.server,
      ...(t.pinned ? { pinned: true } : {}),
      ...(t.archived ? { archived: true } : {}),
    }));
  }

  /** The thread another machine has by this id, if this library has not got it. */
  find(id: string): RoamingThread | undefined {
    return this.elsewhere.find((t) => t.id === id);
  }

  /** Loads a thread known from another machine from its server into this library. */
  async open(id: string, signal?: AbortSignal): Promise<ThreadMeta> {
    const known = this.find(id);
    if (!known) throw new Error(vscode.l10n.t('That thread is not known from another machine.'));
    if (known.server !== this.server()) {
      throw new Error(vscode.l10n.t('"{0}" lives on {1}, and Threadline is set to {2}. Choose that provider to open it.', known.title, known.server, this.server()));
    }
    const thread = await this.threads.openRemote(known.backend, known.remoteId, signal, known);
    this.elsewhere = this.elsewhere.filter((t) => t.id !== id);
    this.changed.fire();
    return thread;
  }

  /** Merges now (and once more after, if asked again meanwhile). */
  readonly merge = coalesced(
    () => this.mergeOnce().catch((err: unknown) => console.error('Threadline: merging the synced library failed', err)),
    () => this.isDisposed,
  );

  private schedule(): void {
    if (this.timer || this.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.merge();
    }, 500);
  }

  private async mergeOnce(): Promise<void> {
    const inTrash = new Set((await this.store.trash()).map((e) => e.thread.id));
    // Read, merged and written back with no wait in between: a value Settings Sync brings while
    // a merge runs is never overwritten by one that did not see it (the other machine would then
    // take its own threads for deleted here). The state's value changes the moment it is updated.
    const localBefore = this.state.get<unknown>(LOCAL_KEY);
    const result = mergeRoaming({
      base: parseRoamingList(this.state.get(BASE_KEY)),
      localBefore: Array.isArray(localBefore) ? new Set(localBefore.filter((id): id is string => typeof id === 'string')) : undefined,
      incoming: parseRoamingList(this.state.get(ROAMING_KEY)),
      local: this.store.list(),
      inTrash,
      serverOf: () => this.server(),
      now: Date.now(),
    });
    // Written only when they change: every write of global state goes to every window. The base
    // follows only once this library took the merge: a merge cut short is made again next time.
    const published = this.put(ROAMING_KEY, result.outgoing);
    try {
      for (const { id, patch } of result.patches) {
        if (patch.title !== undefined) await this.threads.rename(id, patch.title);
        if (patch.pinned !== undefined) await this.threads.setPinned(id, patch.pinned);
        if (patch.archived !== undefined) await this.threads.setArchived(id, patch.archived);
      }
      // Deleted on another machine: here too, into the trash, where it can still be restored.
      for (const id of result.deleted) if (!this.activity.isSending(id)) await this.threads.delete(id);
      if (JSON.stringify(result.elsewhere) !== JSON.stringify(this.elsewhere)) {
        this.elsewhere = result.elsewhere;
        this.changed.fire();
      }
    } finally {
      await published;
    }
    await this.put(BASE_KEY, result.outgoing);
    await this.put(LOCAL_KEY, this.store.list().map((t) => t.id).sort());
  }

  /** Updates `key` unless it holds `value` already; the new value is read back at once, the promise is its saving. */
  private put(key: string, value: unknown): Thenable<void> {
    return JSON.stringify(this.state.get(key)) !== JSON.stringify(value) ? this.state.update(key, value) : Promise.resolve();
  }
}
