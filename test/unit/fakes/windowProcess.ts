// The parent's handle on a libraryWindow.js child: start it, send it commands and await their
// replies, hear the library events it forwards, and kill it mid-whatever with SIGKILL.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LibraryEvent } from '../../../src/core/library/threadStore';
import type { WindowCommand } from './libraryWindow';

type Reply = { seq: number; value?: unknown; error?: string } | { event: LibraryEvent } | { ready: true };

export class WindowProcess {
  /** What the child wrote to stderr (a refusal it met, a crash). */
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly listeners = new Set<(event: LibraryEvent) => void>();
  private seq = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('message', (reply: Reply) => {
      if ('event' in reply) for (const listener of this.listeners) listener(reply.event);
      if (!('seq' in reply)) return;
      const waiting = this.pending.get(reply.seq);
      this.pending.delete(reply.seq);
      if (reply.error !== undefined) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.value);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const waiting of this.pending.values()) waiting.reject(new Error('the window process exited'));
      this.pending.clear();
    });
  }

  /**
   * Starts a window on the library in `dir`, following other windows every `pollMs`. `script` is
   * the built libraryWindow.js; the default finds it from a test file in out/test/unit/<folder>/.
   */
  static async start(dir: string, name: string, pollMs = 200, script = path.join(__dirname, '..', 'fakes', 'libraryWindow.js')): Promise<WindowProcess> {
    const child = spawn(process.execPath, [script, dir, name, String(pollMs)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const window = new WindowProcess(child, name);
    await new Promise<void>((resolve, reject) => {
      child.on('message', (reply: Reply) => 'ready' in reply && resolve());
      void window.exited.then(() => reject(new Error(`window ${name} exited before it was ready: ${window.stderr}`)));
    });
    return window;
  }

  request<T = unknown>(command: WindowCommand): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, seq });
    });
  }

  /** Forwarded library events from now on. */
  async onEvent(listener: (event: LibraryEvent) => void): Promise<void> {
    this.listeners.add(listener);
    await this.request({ type: 'events' });
  }

  /** Killed at once, mid-write or not. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Lets it finish, write its index and exit. */
  async exit(): Promise<void> {
    await this.request({ type: 'exit' }).catch(() => undefined);
    await this.exited;
  }
}
