// When the index is written: shortly after changes (many changes share one write), on demand, and
// when the window closes. It is a cache, so a failed write costs only a slower start-up: it is
// told to the log once, and never changes the library's health.
import { coalesced } from '../coalesced';
import { errorCode } from '../storage/io';
import type { LibraryIndex } from './libraryIndex';
import type { LibraryState } from './libraryState';
import type { WriteGuard } from './writeGuard';

export class IndexWriter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reported: string | undefined;
  private stopped = false;

  constructor(
    private readonly index: LibraryIndex,
    private readonly state: LibraryState,
    private readonly guard: WriteGuard,
    private readonly report: (message: string) => void,
    private readonly delayMs: number,
  ) {}

  /** Writes the index `delayMs` after the first change not yet written. */
  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.delayMs);
    this.timer.unref?.();
  }

  /** Writes it now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  /** No more scheduled writes (a last flush may follow). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes the index; called while a write runs, it writes once more after it (with what changed since). */
  private readonly write = coalesced(async () => {
    try {
      if (!this.guard.health.writable) return;
      await this.index.write(this.state.entries(), await this.state.filesPresent());
      this.reported = undefined;
    } catch (err) {
      // Never the library's health: a cache that cannot be written (its folder alone denied, or
      // too big for what little room is left) must not stop messages being stored; a disk
      // problem that stops them is met by their own writes.
      const message = `The library index could not be written (${errorCode(err) ?? String(err)}); it is only a cache, so nothing is lost, and start-up reads the thread files instead.`;
      if (message !== this.reported) this.report(message);
      this.reported = message;
    }
  });
}
