// Messages sent while their thread has a reply in progress: each waits, oldest first, and goes
// out when that reply ends, however it ends (Stop included); until then it can be taken back.
import type { ChatEvents, QueuedSend } from './chatEvents';
import { UnqueuedError } from './chatEvents';

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

interface QueueEntry<T> extends QueuedSend {
  settle: Settle<T>;
}

export class SendQueue<T> {
  private readonly queues = new Map<string, Array<QueueEntry<T>>>();

  constructor(private readonly events: ChatEvents) {}

  /** Queues `queued`; resolves with what its send resolves with once it has gone. */
  add(queued: QueuedSend): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.queues.get(queued.threadId) ?? [];
      queue.push({ ...queued, settle: { resolve, reject } });
      this.queues.set(queued.threadId, queue);
      this.changed(queued.threadId);
    });
  }

  /** The messages waiting in `threadId`, oldest first. */
  list(threadId: string): QueuedSend[] {
    return (this.queues.get(threadId) ?? []).map(({ settle: _settle, ...queued }) => queued);
  }

  /** Takes a message out: its send rejects with UnqueuedError. False when it is no longer queued. */
  remove(threadId: string, queuedId: string, giveBack: boolean): boolean {
    const queue = this.queues.get(threadId) ?? [];
    const index = queue.findIndex((q) => q.id === queuedId);
    if (index < 0) return false;
    const [entry] = queue.splice(index, 1);
    this.changed(threadId);
    entry!.settle.reject(new UnqueuedError(giveBack));
    return true;
  }

  /** The oldest message of `threadId`, out of the queue, with how to settle its send. */
  next(threadId: string): (QueuedSend & { settle: Settle<T> }) | undefined {
    const entry = this.queues.get(threadId)?.shift();
    if (entry) this.changed(threadId);
    return entry;
  }

  /** Every queued send rejects with `err` (shutting down). */
  rejectAll(err: unknown): void {
    const entries = [...this.queues.values()].flat();
    this.queues.clear();
    for (const entry of entries) entry.settle.reject(err);
  }

  private changed(threadId: string): void {
    this.events.emit({ type: 'queueChanged', threadId, queued: this.list(threadId) });
  }
}
