// Server-sent events for every family (openai-wire.md §0.4). One writer plays the stream faults
// (cutAfterEvents, pauseAfterEvents, errorEventAfter; all count events sent, from 0) so routes only describe the
// happy path; a dialect says how one event, an injected error and the end look on the wire.
// `stallMs` and the cut of a JSON reply happen before and after the route, in index.ts.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './faults';
import type { JsonObject } from './store';

/** How one API family frames its events. */
export interface SseDialect<E> {
  /** The frame of one event; `index` counts the events sent before it. */
  frame(event: E, index: number): string;
  /** The frame of an injected error event, sent as event number `index`. */
  errorFrame(error: StreamError, fault: Fault, index: number): string;
  /** Sent after the last event of a stream that ran its course ('' for none). */
  terminator: string;
}

/** What an injected error event reports: the fault's fields, OpenAI's defaults for the rest. */
export interface StreamError {
  code: string;
  message: string;
  param: string | null;
  type: string;
}

/** Responses (§4.4): `event: <type>` + `data: {type, …, sequence_number}`, numbered from 0, no `[DONE]`. */
export const responsesDialect: SseDialect<[type: string, payload: JsonObject]> = {
  frame: ([type, payload], index) => responsesFrame(type, { type, ...payload }, index),
  errorFrame: (error, _fault, index) => responsesFrame('error', { type: 'error', code: error.code, message: error.message, param: error.param }, index),
  terminator: '',
};

/** Assistants (§2.6): `event: <name>` + the bare object, ended by `event: done` / `data: [DONE]`. */
export const assistantsDialect: SseDialect<readonly [event: string, data: object]> = {
  frame: ([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
  // A bare Error object, no `{error: …}` wrapper (spec ErrorEvent).
  errorFrame: (error) => `event: error\ndata: ${JSON.stringify(error)}\n\n`,
  terminator: 'event: done\ndata: [DONE]\n\n',
};

/** Chat Completions (§5.1): data-only frames, one chunk each, ended by `data: [DONE]`. */
export const chatDialect: SseDialect<JsonObject> = {
  frame: (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  // What OpenAI sends when it fails mid-reply: a data-only frame with a top-level `error`, whose
  // code is null unless the fault names one.
  errorFrame: (error, fault) => `data: ${JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: fault.code ?? null } })}\n\n`,
  terminator: 'data: [DONE]\n\n',
};

export class SseWriter<E> {
  private sent = 0;
  private over = false;
  private paused = false;
  /** Aborted when the client goes: ends a pause early. */
  private readonly gone = new AbortController();
  private injected: StreamError | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly dialect: SseDialect<E>,
    private readonly fault: Fault | undefined,
    requestId: string,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': requestId,
    });
    res.on('close', () => {
      this.over = true;
      this.gone.abort();
    });
  }

  /** False once the stream has ended (fault, client gone); the caller should stop producing. */
  get open(): boolean {
    return !this.over && !this.res.destroyed;
  }

  /** Set once an injected error event ended the stream (Assistants then fails the run server-side). */
  get errorSent(): StreamError | undefined {
    return this.injected;
  }

  /** Sends one event; resolves false when the stream is over instead (a fault, the client gone). */
  async send(event: E): Promise<boolean> {
    if (!this.open) return false;
    if (this.fault?.cutAfterEvents === this.sent) {
      // Flushed events stay delivered; the client then sees the connection drop mid-body.
      this.over = true;
      this.res.socket?.destroy();
      return false;
    }
    if (this.fault?.pauseAfterEvents === this.sent && !this.paused) {
      // A reply that is part-way through, as a slow model leaves it: lets a test stop it there.
      this.paused = true;
      await sleep(this.fault.pauseMs ?? 30_000, undefined, { signal: this.gone.signal }).catch(() => undefined);
      if (!this.open) return false;
    }
    if (this.fault?.errorEventAfter === this.sent) {
      this.injected = streamError(this.fault);
      await this.write(this.dialect.errorFrame(this.injected, this.fault, this.sent));
      this.end();
      return false;
    }
    await this.write(this.dialect.frame(event, this.sent));
    this.sent += 1;
    return this.open;
  }

  /** Ends the body, with the dialect's terminator when the stream ran its course. */
  async finish(): Promise<void> {
    if (this.open && this.dialect.terminator) await this.write(this.dialect.terminator);
    this.end();
  }

  private end(): void {
    this.over = true;
    if (!this.res.writableEnded) this.res.end();
  }

  private write(frame: string): Promise<void> {
    return new Promise((resolve) => this.res.write(frame, () => resolve()));
  }
}

function streamError(fault: Fault): StreamError {
  return {
    code: fault.code ?? 'server_error',
    message: fault.message ?? 'The server had an error while processing your request.',
    param: fault.param ?? null,
    type: fault.type ?? 'server_error',
  };
}

function responsesFrame(type: string, data: JsonObject, sequenceNumber: number): string {
  return `event: ${type}\ndata: ${JSON.stringify({ ...data, sequence_number: sequenceNumber })}\n\n`;
}
