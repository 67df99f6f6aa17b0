// A scripted Backend: each reply plays the next queued script step by step, so tests decide
// exactly what streams, when it fails, and when it waits for stop().
import type { Backend, ReplyEvent, ReplyRequest } from '../../../src/core/backends/backend';
import type { BackendKind, Message, ThreadMeta } from '../../../src/core/model';

export type DoneEvent = Extract<ReplyEvent, { type: 'done' }>;

/** A reply request as the fake saw it, its history read in full (oldest first). */
export type RecordedRequest = Omit<ReplyRequest, 'history'> & { history: Message[] };

export type ScriptStep =
  | { delta: string }
  | { done: Omit<DoneEvent, 'type'> }
  /** Throws this value from the stream. */
  | { fail: unknown }
  /**
   * Hangs until the request's signal aborts, then throws an AbortError as fetch does
   * ('throw'), or carries on with the script as a backend that ignores the signal would ('ignore').
   */
  | { waitForAbort: 'throw' | 'ignore' };

export class FakeBackend implements Backend {
  readonly createThreadCalls: ThreadMeta[] = [];
  /** The initial messages of each createThread call, in order. */
  readonly seededWith: Message[][] = [];
  readonly requests: RecordedRequest[] = [];
  /** When set, createThread throws it. */
  createThreadError: unknown;
  /** Remote ids passed to deleteThread, in order. */
  readonly deletedThreads: string[] = [];
  /** When set, deleteThread throws it (after recording the call). */
  deleteThreadError: unknown;
  /** threadExists answers by remote id: a boolean, or `{ fail }` to throw it. Unlisted ids exist. */
  readonly remoteThreads = new Map<string, boolean | { fail: unknown }>();
  /** Remote ids passed to threadExists, in order. */
  readonly existsChecks: string[] = [];
  /** The base URL it stands for. */
  server = 'https://fake.example/v1';
  /** When set, the backend can name files (Backend.fileName). */
  fileName?: (fileId: string) => Promise<string>;
  private readonly scripts: ScriptStep[][] = [];
  private remoteCount = 0;

  constructor(readonly kind: BackendKind = 'responses') {}

  /** Queues the script of the next reply. Without one a reply is just "ok", complete. */
  script(...steps: ScriptStep[]): this {
    this.scripts.push(steps);
    return this;
  }

  async createThread(thread: ThreadMeta, initialMessages: readonly Message[] = []): Promise<{ remoteId?: string }> {
    this.createThreadCalls.push({ ...thread });
    this.seededWith.push([...initialMessages]);
    if (this.createThreadError !== undefined) throw this.createThreadError;
    return { remoteId: `conv_fake_${++this.remoteCount}` };
  }

  async *reply(request: ReplyRequest): AsyncGenerator<ReplyEvent> {
    // Recorded at once (a test may look while the reply waits), the history filled in after.
    const recorded: RecordedRequest = { ...request, history: [] };
    this.requests.push(recorded);
    recorded.history.push(...(await request.history.all()));
    const steps = this.scripts.shift() ?? [{ delta: 'ok' }, { done: { status: 'complete' } }];
    let honourAbort = true;
    for (const step of steps) {
      if (honourAbort && request.signal.aborted) throw abortError();
      if ('delta' in step) yield { type: 'delta', text: step.delta };
      else if ('done' in step) yield { type: 'done', ...step.done };
      else if ('fail' in step) throw step.fail;
      else if (step.waitForAbort === 'throw') await untilAborted(request.signal);
      else {
        await untilAborted(request.signal).catch(() => undefined);
        honourAbort = false;
      }
    }
  }

  async threadExists(remoteId: string): Promise<boolean> {
    this.existsChecks.push(remoteId);
    const answer = this.remoteThreads.get(remoteId) ?? true;
    if (typeof answer !== 'boolean') throw answer.fail;
    return answer;
  }

  async deleteThread(remoteId: string): Promise<void> {
    this.deletedThreads.push(remoteId);
    if (this.deleteThreadError !== undefined) throw this.deleteThreadError;
  }
}

function abortError(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(abortError());
    signal.addEventListener('abort', () => reject(abortError()), { once: true });
  });
}
