// What is happening to each thread right now in this window — a send in progress (and the reply
// text so far), a delete — held once, here. The chat services keep it; every view, context key
// and command reads it, so "a reply is streaming" has one answer.

/** A reply arriving now: its message id and the text so far. */
export interface ReplyInProgress {
  threadId: string;
  messageId: string;
  text: string;
}

export class ThreadActivity {
  /** Threads with a send in progress, from its first check until its reply is stored. */
  private readonly sends = new Map<string, AbortController>();
  private readonly replies = new Map<string, ReplyInProgress>();
  private readonly beingDeleted = new Set<string>();

  /** Claims the thread for a send; the controller stops it. False when one is in progress. */
  claim(threadId: string, controller: AbortController): boolean {
    if (this.sends.has(threadId)) return false;
    this.sends.set(threadId, controller);
    return true;
  }

  /** Ends the send of `controller` (a later send's claim is left alone). */
  release(threadId: string, controller: AbortController): boolean {
    if (this.sends.get(threadId) !== controller) return false;
    this.sends.delete(threadId);
    this.replies.delete(threadId);
    return true;
  }

  isSending(threadId: string): boolean {
    return this.sends.has(threadId);
  }

  /** Stops the send in progress; false when there is none. */
  stop(threadId: string): boolean {
    const controller = this.sends.get(threadId);
    controller?.abort();
    return controller !== undefined;
  }

  stopAll(): void {
    for (const controller of this.sends.values()) controller.abort();
  }

  replyStarted(threadId: string, messageId: string): void {
    this.replies.set(threadId, { threadId, messageId, text: '' });
  }

  replyGrew(threadId: string, text: string): void {
    const reply = this.replies.get(threadId);
    if (reply) reply.text += text;
  }

  /** The reply arriving in `threadId` now, as far as it has come (a copy). */
  reply(threadId: string): ReplyInProgress | undefined {
    const reply = this.replies.get(threadId);
    return reply && { ...reply };
  }

  replyEnded(threadId: string): void {
    this.replies.delete(threadId);
  }

  /** Marks the thread as being deleted for the duration of `task`; undefined if it already is. */
  async whileDeleting<T>(threadId: string, task: () => Promise<T>): Promise<T | undefined> {
    if (this.beingDeleted.has(threadId)) return undefined;
    this.beingDeleted.add(threadId);
    try {
      return await task();
    } finally {
      this.beingDeleted.delete(threadId);
    }
  }

  isDeleting(threadId: string): boolean {
    return this.beingDeleted.has(threadId);
  }
}
