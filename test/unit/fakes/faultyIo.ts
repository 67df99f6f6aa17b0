// A LibraryIo over the real file system that fails the way disks do: a disk that fills up (a
// write that runs out of room is cut short, the next one fails with ENOSPC), writes cut short
// for no lasting reason, an fsync or any other
// call failing with a chosen error code, and hooks that pause a call mid-way so a test can
// interleave two windows exactly. It logs every call that changes the disk, so a test can prove a
// refused write never touched it.
import { constants } from 'node:fs';
import type { FileIo, LibraryIo, PathStat } from '../../../src/core/storage/io';
import { nodeIo } from '../../../src/core/storage/io';

export type IoOp = 'open' | 'readdir' | 'mkdir' | 'stat' | 'rename' | 'link' | 'rm' | 'readFile' | 'read' | 'write' | 'sync' | 'fstat' | 'close';

interface Rule {
  op: IoOp;
  path: RegExp | undefined;
  code: string;
  /** Only opens for writing (or only for reading); undefined: any. */
  writing: boolean | undefined;
  /** How many more calls fail; Infinity: all. */
  left: number;
}

/** Runs before a matching call; `after` runs once it returned. */
export interface Hook {
  op: IoOp;
  path?: RegExp;
  before?: (file: string) => Promise<void> | void;
  after?: (file: string) => Promise<void> | void;
}

const MUTATING: ReadonlySet<IoOp> = new Set(['mkdir', 'rename', 'link', 'rm', 'write', 'sync']);

export class FaultyIo implements LibraryIo {
  /** Bytes the disk can still take; Infinity: room enough. */
  space = Infinity;
  /** The next writes take at most these many bytes each (as a signal can cut a write short). */
  readonly cuts: number[] = [];
  /** Every call that changed (or opened for changing) something on disk: `op path`. */
  readonly mutations: string[] = [];
  private readonly rules: Rule[] = [];
  private readonly hooks: Hook[] = [];
  readonly watch = nodeIo.watch;

  /** Makes calls of `op` (on paths matching `path`) fail with `code`, `times` times (default: always). */
  fail(op: IoOp, code: string, options: { path?: RegExp; times?: number; writing?: boolean } = {}): this {
    this.rules.push({ op, code, path: options.path, writing: options.writing, left: options.times ?? Infinity });
    return this;
  }

  /** Every call that writes (opens for writing, creates, renames, removes, syncs) fails with `code`. */
  failAllWrites(code: string): this {
    for (const op of ['mkdir', 'rename', 'link', 'rm', 'write', 'sync'] as const) this.fail(op, code);
    return this.fail('open', code, { writing: true });
  }

  /** Calls fail normally again. */
  heal(): void {
    this.rules.length = 0;
    this.space = Infinity;
  }

  hook(hook: Hook): () => void {
    this.hooks.push(hook);
    return () => this.hooks.splice(this.hooks.indexOf(hook), 1);
  }

  async open(file: string, flags: string | number): Promise<FileIo> {
    const writing = isForWriting(flags);
    return this.run('open', file, async () => wrapHandle(this, file, await nodeIo.open(file, flags)), writing);
  }

  readdir(dir: string): Promise<string[]> {
    return this.run('readdir', dir, () => nodeIo.readdir(dir));
  }

  mkdir(dir: string): Promise<void> {
    return this.run('mkdir', dir, () => nodeIo.mkdir(dir));
  }

  stat(file: string): Promise<PathStat> {
    return this.run('stat', file, () => nodeIo.stat(file));
  }

  rename(from: string, to: string): Promise<void> {
    return this.run('rename', from, () => nodeIo.rename(from, to));
  }

  link(from: string, to: string): Promise<void> {
    return this.run('link', to, () => nodeIo.link(from, to));
  }

  rm(file: string): Promise<void> {
    return this.run('rm', file, () => nodeIo.rm(file));
  }

  readFile(file: string): Promise<Buffer> {
    return this.run('readFile', file, () => nodeIo.readFile(file));
  }

  /** Runs one call: hooks before, a matching rule's failure, the call, hooks after. */
  async run<T>(op: IoOp, file: string, call: () => Promise<T>, writing?: boolean): Promise<T> {
    const hooks = this.hooks.filter((h) => h.op === op && (!h.path || h.path.test(file)));
    for (const hook of hooks) await hook.before?.(file);
    if (MUTATING.has(op) || (op === 'open' && writing)) this.mutations.push(`${op} ${file}`);
    const rule = this.rules.find((r) => r.op === op && r.left > 0 && (!r.path || r.path.test(file)) && (r.writing === undefined || r.writing === writing));
    if (rule) {
      rule.left--;
      throw Object.assign(new Error(`${rule.code}: injected fault, ${op} '${file}'`), { code: rule.code, syscall: op, path: file });
    }
    const result = await call();
    for (const hook of hooks) await hook.after?.(file);
    return result;
  }
}

function isForWriting(flags: string | number): boolean {
  if (typeof flags === 'string') return flags !== 'r';
  return (flags & (constants.O_WRONLY | constants.O_RDWR)) !== 0;
}

function wrapHandle(io: FaultyIo, file: string, handle: FileIo): FileIo {
  return {
    read: (buffer, offset, length, position) => io.run('read', file, () => handle.read(buffer, offset, length, position)),
    // A disk with too little room takes what fits, as a full disk or a file-size limit does.
    write: (buffer, offset, length, position) =>
      io.run('write', file, async () => {
        if (io.space <= 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC', syscall: 'write' });
        const fits = Math.min(length, io.space, io.cuts.shift() ?? Infinity);
        const result = await handle.write(buffer, offset, fits, position);
        io.space -= result.bytesWritten;
        return result;
      }),
    sync: () => io.run('sync', file, () => handle.sync()),
    stat: () => io.run('fstat', file, () => handle.stat()),
    close: () => io.run('close', file, () => handle.close()),
  };
}
