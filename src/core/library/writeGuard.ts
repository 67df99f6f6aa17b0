// Every write of this window goes through one queue, one at a time, and through the library's
// health: a write that fails for a reason of the disk turns the library read-only (with a
// sentence that says what to do), and while it is, writes are refused at once, touching nothing,
// until a small probe write (Retry, or a new send) shows the disk takes writes again.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { TEMP_PREFIX, writeNewFile } from '../storage/atomicWrite';
import type { LibraryIo } from '../storage/io';
import { WriteQueue } from '../storage/writeQueue';
import { LibraryUnavailableError, storageProblem } from './health';
import type { LibraryHealth, StorageProblem } from './health';

export interface WriteGuardDeps {
  io: LibraryIo;
  threadsDir: string;
  /** For the log: the sentence of a new problem. */
  report: (message: string) => void;
  /** The health changed (writable or not, or another problem). */
  changed: (health: LibraryHealth) => void;
  /** A write is being queued: appends gathered so far must not join anything queued after it. */
  queuing: () => void;
}

export class WriteGuard {
  private current: LibraryHealth = { writable: true };
  private readonly queue = new WriteQueue();

  constructor(private readonly deps: WriteGuardDeps) {}

  get health(): LibraryHealth {
    return this.current;
  }

  /** Queues `task` as a write: refused while the library cannot be written; a disk problem becomes its health. */
  run<T>(where: string, task: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.ensureWritable();
      try {
        return await task();
      } catch (err) {
        throw this.failed(err, where);
      }
    });
  }

  /** Queues `task` after every write queued before it, with no health check of its own. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.deps.queuing();
    return this.queue.run(task);
  }

  /**
   * Throws LibraryUnavailableError unless the library is writable. No probe here: a refused write
   * touches nothing, so a disk that failed is not written again (a large append on a nearly full
   * disk would leave one more fragment, never reclaimed) until Retry or a new send probes it.
   */
  ensureWritable(): void {
    if (!this.current.writable) throw new LibraryUnavailableError(this.current.problem);
  }

  /** A small write of its own: the library is writable if it succeeds. */
  async probe(): Promise<void> {
    const probe = path.join(this.deps.threadsDir, `${TEMP_PREFIX}probe-${process.pid}-${randomUUID().slice(0, 8)}`);
    try {
      await this.deps.io.mkdir(this.deps.threadsDir);
      await writeNewFile(this.deps.io, probe, 'probe');
      await this.deps.io.rm(probe);
      this.set({ writable: true });
    } catch (err) {
      this.degrade(err, this.deps.threadsDir);
    }
  }

  /** A write failed: a disk problem becomes the library's health and a refusal the user can act on. */
  failed(err: unknown, where: string): unknown {
    const problem = storageProblem(err, this.deps.threadsDir, where);
    if (!problem) return err;
    this.set({ writable: false, problem });
    return new LibraryUnavailableError(problem);
  }

  /** The library cannot be written because of `err` (an unknown error counts as an I/O error). */
  degrade(err: unknown, where: string): void {
    const folder = this.deps.threadsDir;
    const problem: StorageProblem = storageProblem(err, folder, where) ?? storageProblem(Object.assign(new Error(String(err)), { code: 'EIO' }), folder, where)!;
    this.set({ writable: false, problem });
  }

  private set(health: LibraryHealth): void {
    const before = this.current;
    this.current = health;
    const changed = before.writable !== health.writable || (!before.writable && !health.writable && before.problem.code !== health.problem.code);
    if (!changed) return;
    if (!health.writable) this.deps.report(`${health.problem.message} (${health.problem.code} at ${health.problem.file ?? health.problem.path})`);
    this.deps.changed(health);
  }
}
