// How the windows sharing a library hear about each other's changes: every write is announced as
// a short line in `threads/changes.log` (appended with O_APPEND, so lines from many windows never
// mix), and every window reads the lines added since it last looked. A line only says which
// thread changed; the thread file itself says what changed, so a lost line costs a delay, never
// data. Windows look when the folder's watcher fires and, in case it never does (network drives),
// every second. A window that dies between its write and its announcement announces nothing, so
// every SWEEP_EVERY looks a window also looks at every file (a stat each).
import path from 'node:path';
import { constants } from 'node:fs';
import { coalesced } from '../coalesced';
import { errorCode } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { isSafeId } from '../storage/records';

export type ChangeOp = 'created' | 'changed' | 'deleted' | 'restored';

export interface Change {
  id: string;
  op: ChangeOp;
}

export interface ChangeFeedOptions {
  /** Changes another window announced, in the order they were written. */
  onChanges: (changes: Change[]) => void;
  /**
   * Lines may have been missed (the feed was rotated or replaced) or never written (a window died
   * before it announced its write): look at everything.
   */
  onMissed: () => void;
  pollMs?: number;
}

/** Polls between two looks at every file. */
const SWEEP_EVERY = 10;
/** Past this size the feed starts over in a new file. */
const ROTATE_BYTES = 512 * 1024;
const OPS: readonly ChangeOp[] = ['created', 'changed', 'deleted', 'restored'];

export class ChangeFeed {
  readonly file: string;
  private offset = 0;
  private ino: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private watcher: { close(): void } | undefined;
  private lookOnce: (() => Promise<void>) | undefined;
  private disposed = false;

  constructor(private readonly io: LibraryIo, threadsDir: string, private readonly writer: string) {
    this.file = path.join(threadsDir, 'changes.log');
  }

  /**
   * Tells the other windows that thread `id` changed. Writes are acknowledged only after this, so
   * a window that dies the moment after an acknowledgment has told the others already. Never
   * throws: a failure (a full disk) only delays them.
   */
  async announce(id: string, op: ChangeOp): Promise<void> {
    try {
      const handle = await this.io.open(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
      try {
        const line = Buffer.from(`${JSON.stringify({ w: this.writer, id, op })}\n`, 'utf8');
        await handle.write(line, 0, line.length, null);
        if ((await handle.stat()).size > ROTATE_BYTES) await this.io.rename(this.file, `${this.file}.old`).catch(() => undefined);
      } finally {
        await handle.close();
      }
    } catch {
      // Full disk, read-only folder: the windows catch up when they next look at the files.
    }
  }

  /**
   * Notes where the feed ends now; listening starts there. A window notes it before it reads the
   * library, so what is announced while it reads is read again, not missed.
   */
  async mark(): Promise<void> {
    const stat = await this.io.stat(this.file).catch(() => undefined);
    this.offset = stat?.size ?? 0;
    this.ino = stat?.ino;
  }

  /** Starts listening from the mark. */
  start(options: ChangeFeedOptions, watchDir: string): void {
    const look = () => void this.look(options);
    // Only the feed's own changes: every write to a thread file fires the watcher too.
    const feedName = path.basename(this.file);
    this.watcher = this.io.watch?.(watchDir, (name) => (name === undefined || name.startsWith(feedName)) && look());
    let polls = 0;
    this.timer = setInterval(() => {
      if (++polls % SWEEP_EVERY === 0) options.onMissed();
      look();
    }, options.pollMs ?? 1000);
    this.timer.unref?.();
  }

  /** Reads what was announced since the last look; a call during a read asks for one more after it. */
  look(options: ChangeFeedOptions): Promise<void> {
    this.lookOnce ??= coalesced(() => this.readNew(options).catch(() => undefined), () => this.disposed);
    return this.lookOnce();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
  }

  private async readNew(options: ChangeFeedOptions): Promise<void> {
    let handle;
    try {
      handle = await this.io.open(this.file, 'r');
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && this.offset > 0) this.startOver(undefined, options);
      return;
    }
    try {
      const { size, ino } = await handle.stat();
      if (ino !== this.ino || size < this.offset) this.startOver(ino, options);
      if (size === this.offset) return;
      const bytes = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.offset);
      const text = bytes.subarray(0, bytesRead);
      // Only whole lines: a line being written now is read next time.
      const end = text.lastIndexOf(0x0a) + 1;
      if (end === 0) return;
      this.offset += end;
      const changes = parseChanges(text.subarray(0, end).toString('utf8'), this.writer);
      if (changes.length) options.onChanges(changes);
    } finally {
      await handle.close();
    }
  }

  private startOver(ino: number | undefined, options: ChangeFeedOptions): void {
    this.offset = 0;
    this.ino = ino;
    options.onMissed();
  }
}

function parseChanges(text: string, self: string): Change[] {
  const changes: Change[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const value = JSON.parse(line) as { w?: unknown; id?: unknown; op?: unknown };
      if (value.w !== self && isSafeId(value.id) && OPS.includes(value.op as ChangeOp)) changes.push({ id: value.id, op: value.op as ChangeOp });
    } catch {
      // A line torn by a full disk: the changes it named surface at the next full look.
    }
  }
  return changes;
}
