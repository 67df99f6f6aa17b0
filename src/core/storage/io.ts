// The file-system calls the thread library makes, as one small interface: the real one is
// node:fs, and tests hand in one that fails the way disks do (full, read-only, short writes,
// fsync errors) on the platforms where a real fault cannot be set up.
import { promises as fs, watch } from 'node:fs';

/** An open file, as the library uses it. */
export interface FileIo {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** One write(2): it may write fewer bytes than asked (a file-size limit, a full disk). `null` position: at the end (O_APPEND). */
  write(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  stat(): Promise<{ size: number; ino: number }>;
  close(): Promise<void>;
}

export interface PathStat {
  size: number;
  mtimeMs: number;
  ino: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface LibraryIo {
  open(file: string, flags: string | number): Promise<FileIo>;
  readdir(dir: string): Promise<string[]>;
  /** Creates the folder and any parents; no error when it exists. */
  mkdir(dir: string): Promise<void>;
  stat(file: string): Promise<PathStat>;
  rename(from: string, to: string): Promise<void>;
  /** A hard link: fails with EEXIST when `to` exists, which makes it a compare-and-set. */
  link(from: string, to: string): Promise<void>;
  /** Removes a file, or a folder with what is in it; no error when it is not there. */
  rm(file: string): Promise<void>;
  readFile(file: string): Promise<Buffer>;
  /**
   * Calls `onChange` with the name of what changed in `dir` (undefined when the platform does not
   * say). Best effort: never on some network drives. Undefined when the platform cannot watch;
   * the library then only polls.
   */
  watch?(dir: string, onChange: (name: string | undefined) => void): { close(): void } | undefined;
}

export const nodeIo: LibraryIo = {
  open: (file, flags) => fs.open(file, flags),
  readdir: (dir) => fs.readdir(dir),
  mkdir: async (dir) => {
    await fs.mkdir(dir, { recursive: true });
  },
  stat: (file) => fs.stat(file),
  rename: (from, to) => fs.rename(from, to),
  link: (from, to) => fs.link(from, to),
  rm: (file) => fs.rm(file, { recursive: true, force: true }),
  readFile: (file) => fs.readFile(file),
  watch: (dir, onChange) => {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => onChange(name ?? undefined));
      // A watch that breaks (the folder removed, too many watches) leaves the poll to notice.
      watcher.on('error', () => watcher.close());
      return watcher;
    } catch {
      return undefined;
    }
  },
};

/** The error's code (ENOSPC, EROFS, …), if it is a system error. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
