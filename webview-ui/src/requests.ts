// The panel's requests that the host answers (find, search, pages, images): each goes out with a
// fresh id, which its answer echoes. An answer whose id nothing waits for any more is dropped: its
// request was replaced by a newer one, dropped because the panel moved on, or it came too late. A
// request without an answer within its time-out is given up, and its waiter told, rather than
// waited for forever.
import type { Answer, AnswerTo, RequestMessage, RequestType } from '../../src/shared/protocol';
import { REQUEST_ANSWERS } from '../../src/shared/protocol';

/**
 * How long a request waits for its answer. Long enough for a slow answer (a search of a big
 * library, a page of a huge thread), short enough to say so when the host dropped the request; an
 * image may first have to be downloaded.
 */
export const REQUEST_TIMEOUT_MS: Readonly<Record<RequestType, number>> = {
  find: 10_000,
  searchThreads: 10_000,
  loadOlder: 10_000,
  loadNewer: 10_000,
  revealMessage: 10_000,
  loadLatest: 10_000,
  fetchImage: 30_000,
};

/** A request before it is sent: the table gives it its id. */
export type Unsent<K extends RequestType> = K extends RequestType ? Omit<RequestMessage<K>, 'requestId'> : never;

export interface Waiter<K extends RequestType> {
  answered(answer: AnswerTo<K>): void;
  /** No answer came in time. Absent where forgetting the request is all there is to do. */
  timedOut?(): void;
}

interface Waiting {
  type: RequestType;
  timer: ReturnType<typeof setTimeout>;
  answered(answer: Answer): void;
}

export class Requests {
  private lastId = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly post: (request: RequestMessage) => void) {}

  /** Posts `request` with a new id; `waiter` gets its answer, or hears that none came in time. Returns the id. */
  send<K extends RequestType>(request: Unsent<K> & { type: K }, waiter: Waiter<K>): number {
    const requestId = ++this.lastId;
    const timer = setTimeout(() => {
      this.waiting.delete(requestId);
      waiter.timedOut?.();
    }, REQUEST_TIMEOUT_MS[request.type]);
    this.waiting.set(requestId, { type: request.type, timer, answered: waiter.answered });
    this.post({ ...request, requestId });
    return requestId;
  }

  /** Whether request `id` still waits for its answer. */
  isWaiting(id: number): boolean {
    return this.waiting.has(id);
  }

  /** Stops waiting for request `id`: its answer will be dropped, its time-out will not fire. */
  forget(id: number): void {
    clearTimeout(this.waiting.get(id)?.timer);
    this.waiting.delete(id);
  }

  /** An answer from the host goes to the request with its id, if one waits for it (and for its type). */
  answer(answer: Answer): void {
    const waiting = this.waiting.get(answer.requestId);
    if (!waiting || REQUEST_ANSWERS[waiting.type] !== answer.type) return;
    this.forget(answer.requestId);
    waiting.answered(answer);
  }

  /** A slot for requests of kinds `K` that replace one another. */
  slot<K extends RequestType>(): RequestSlot<K> {
    return new RequestSlot<K>(this);
  }
}

/**
 * One request at a time: sending gives up the one still waiting (a newer query, another page
 * around), and `drop` gives it up when the panel moves on. What a view asks the host through.
 */
export class RequestSlot<K extends RequestType> {
  private id: number | undefined;

  constructor(private readonly requests: Requests) {}

  get waiting(): boolean {
    return this.id !== undefined && this.requests.isWaiting(this.id);
  }

  send<T extends K>(request: Unsent<T> & { type: T }, waiter: Waiter<T>): void {
    this.drop();
    this.id = this.requests.send(request, waiter);
  }

  drop(): void {
    if (this.id !== undefined) this.requests.forget(this.id);
    this.id = undefined;
  }
}
