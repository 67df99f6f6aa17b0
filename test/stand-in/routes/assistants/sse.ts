// Server-sent events in the Assistants dialect (openai-wire.md §0.4, §2.6): `event: <name>` plus
// the bare object as data, ended by `event: done` / `data: [DONE]`. The writer plays the stream
// faults (cutAfterEvents, errorEventAfter), counting events from 0 as the Responses writer does.
import type { ServerResponse } from 'node:http';
import type { Fault } from '../../faults';

export class AssistantsSseWriter {
  private sent = 0;
  private over = false;
  /** Set when an injected `event: error` ended the stream: the run fails server-side. */
  failure: { code: string; message: string } | undefined;

  constructor(
    private readonly res: ServerResponse,
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
    });
  }

  /** False once the stream has ended (fault, client gone); the run goes on without it. */
  get open(): boolean {
    return !this.over && !this.res.destroyed;
  }

  async send(event: string, data: object): Promise<void> {
    if (!this.open) return;
    if (this.fault?.cutAfterEvents === this.sent) {
      // Flushed events stay delivered; the client then sees the connection drop mid-body.
      this.over = true;
      this.res.socket?.destroy();
      return;
    }
    if (this.fault?.errorEventAfter === this.sent) {
      this.failure = { code: this.fault.code ?? 'server_error', message: this.fault.message ?? 'The server had an error while processing your request.' };
      // A bare Error object, no `{error: …}` wrapper (spec ErrorEvent).
      await this.write('error', JSON.stringify({ ...this.failure, param: this.fault.param ?? null, type: this.fault.type ?? 'server_error' }));
      this.end();
      return;
    }
    this.sent += 1;
    await this.write(event, JSON.stringify(data));
  }

  /** Ends a stream that ran its course with the Assistants terminator. */
  async finish(): Promise<void> {
    if (this.open) await this.write('done', '[DONE]');
    this.end();
  }

  private end(): void {
    this.over = true;
    if (!this.res.writableEnded) this.res.end();
  }

  private write(event: string, data: string): Promise<void> {
    return new Promise((resolve) => this.res.write(`event: ${event}\ndata: ${data}\n\n`, () => resolve()));
  }
}
