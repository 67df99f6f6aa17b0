// Server-sent events in the Responses dialect (openai-wire.md §0.4, §4.4): `event: <type>` plus
// `data: {type, …, sequence_number}`, numbered from 0, no `[DONE]`. The writer also plays the
// stream faults, so route modules only describe the happy path.
import type { ServerResponse } from 'node:http';
import type { Fault } from './faults';
import type { JsonObject } from './store';

export class SseWriter {
  private sequence = 0;
  private over = false;

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

  /** False once the stream has ended (fault, client gone); the caller should stop producing. */
  get open(): boolean {
    return !this.over && !this.res.destroyed;
  }

  /** Sends one event; resolves false when a fault ended the stream instead. */
  async send(type: string, payload: JsonObject): Promise<boolean> {
    if (!this.open) return false;
    if (this.fault?.cutAfterEvents === this.sequence) {
      // Flushed events stay delivered; the client then sees the connection drop mid-body.
      this.over = true;
      this.res.socket?.destroy();
      return false;
    }
    if (this.fault?.errorEventAfter === this.sequence) {
      await this.write('error', {
        type: 'error',
        code: this.fault.code ?? 'server_error',
        message: this.fault.message ?? 'The server had an error while processing your request.',
        param: this.fault.param ?? null,
      });
      this.end();
      return false;
    }
    await this.write(type, { type, ...payload });
    return this.open;
  }

  end(): void {
    this.over = true;
    if (!this.res.writableEnded) this.res.end();
  }

  private write(type: string, data: JsonObject): Promise<void> {
    const frame = `event: ${type}\ndata: ${JSON.stringify({ ...data, sequence_number: this.sequence++ })}\n\n`;
    return new Promise((resolve) => this.res.write(frame, () => resolve()));
  }
}
