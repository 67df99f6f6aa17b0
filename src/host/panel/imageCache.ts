// Images a message holds only by file id (too big to keep a preview, read back from a server
// thread, an Assistants `image_file`): downloaded once into a cache folder under the extension's
// global storage and shown through `webview.asWebviewUri`, so they never cross the webview bridge
// as base64. Named by a hash of the server and the file id; pictures only (checked from their
// bytes); files over MAX_IMAGE_BYTES are not fetched; the oldest go once the folder passes
// MAX_CACHE_BYTES.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConnectionSettings } from '../../core/backends/backend';
import { downloadFile } from '../../core/backends/fileDownload';
import { createOpenAIClient } from '../../core/backends/openaiClient';
import { describeError } from '../../core/backends/errors';
import { detectImageMime } from '../../core/attachments/imageTypes';

/** Larger files are not downloaded for display. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The cache folder is trimmed, oldest first, to this size. */
export const MAX_CACHE_BYTES = 200 * 1024 * 1024;
/** A failed download is not tried again for this long (every refresh would otherwise retry it). */
const RETRY_AFTER_MS = 30_000;
/** Downloads at once: a thread full of pictures must not open hundreds of requests together. */
const PARALLEL_DOWNLOADS = 4;

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** Fetches a file's bytes, refusing (with a message for the user) one over `maxBytes`. */
export type ImageFetcher = (fileId: string, maxBytes: number) => Promise<Uint8Array>;

/** The Files API: the file's size first, so a huge one is never downloaded. */
export function filesApiFetcher(connection: ConnectionSettings): ImageFetcher {
  return async (fileId, maxBytes) => {
    const meta = await createOpenAIClient(connection).files.retrieve(fileId);
    if (meta.bytes > maxBytes) throw new Error(`it is ${(meta.bytes / 1048576).toFixed(1)} MB; images over ${maxBytes / 1048576} MB are not downloaded for display.`);
    return (await downloadFile(connection, fileId, { name: meta.filename })).data;
  };
}

export type CachedImage = { path: string } | { error: string };

export class ImageCache {
  /** Cached files by key, once looked up. */
  private readonly known = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<CachedImage>>();
  private readonly failures = new Map<string, { error: string; at: number }>();
  private listed: Promise<void> | undefined;
  private downloading = 0;
  private readonly queued: Array<() => void> = [];

  constructor(
    /** The cache folder (also a webview resource root). */
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached copy of file `fileId` on `server`, downloaded with `fetchImage` the first time.
   * Never throws: a failure comes back as `error`, a sentence for the placeholder's title.
   */
  get(server: string, fileId: string, fetchImage: ImageFetcher): Promise<CachedImage> {
    const key = createHash('sha256').update(`${server}\n${fileId}`).digest('hex').slice(0, 40);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.lookUpOrFetch(key, fileId, fetchImage).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async lookUpOrFetch(key: string, fileId: string, fetchImage: ImageFetcher): Promise<CachedImage> {
    const cached = await this.cached(key);
    if (cached) return { path: cached };
    const failed = this.failures.get(key);
    if (failed && this.now() - failed.at < RETRY_AFTER_MS) return { error: failed.error };
    try {
      const data = await this.limited(() => fetchImage(fileId, MAX_IMAGE_BYTES));
      if (data.byteLength > MAX_IMAGE_BYTES) throw new Error(`it is over ${MAX_IMAGE_BYTES / 1048576} MB.`);
      const mime = detectImageMime(data);
      if (!mime) throw new Error('the file is not a PNG, JPEG, GIF or WebP image.');
      const file = path.join(this.dir, `${key}.${EXTENSIONS[mime]}`);
      await fs.mkdir(this.dir, { recursive: true });
      // Written aside and renamed, so a webview never loads half a picture.
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await fs.writeFile(temp, data);
      await fs.rename(temp, file);
      this.known.set(key, file);
      this.failures.delete(key);
      await this.trim(file).catch(() => undefined);
      return { path: file };
    } catch (err) {
      const described = describeError(err);
      // The generic 404 sentence talks about conversations; here it is the file that is gone.
      const error = described.kind === 'notFound' ? 'the server no longer has this file (404).' : described.message;
      this.failures.set(key, { error, at: this.now() });
      return { error };
    }
  }

  /** Runs `download` once fewer than PARALLEL_DOWNLOADS others are running. */
  private async limited<T>(download: () => Promise<T>): Promise<T> {
    // A finished download hands its slot straight to the next in line.
    if (this.downloading < PARALLEL_DOWNLOADS) this.downloading++;
    else await new Promise<void>((resolve) => this.queued.push(resolve));
    try {
      return await download();
    } finally {
      const next = this.queued.shift();
      if (next) next();
      else this.downloading--;
    }
  }

  /** The cached file for `key`, if it is still there (touched, so trimming keeps it longest). */
  private async cached(key: string): Promise<string | undefined> {
    this.listed ??= this.list();
    await this.listed;
    const file = this.known.get(key);
    if (!file) return undefined;
    try {
      const at = new Date(this.now());
      await fs.utimes(file, at, at);
      return file;
    } catch {
      this.known.delete(key);
      return undefined;
    }
  }

  /** What an earlier session left in the folder. */
  private async list(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = /^([0-9a-f]{40})\.(png|jpg|gif|webp)$/.exec(name);
      if (match) this.known.set(match[1]!, path.join(this.dir, name));
      // Left by a write that never finished.
      else if (name.endsWith('.tmp')) await fs.rm(path.join(this.dir, name), { force: true });
    }
  }

  /** Removes the least recently used files until the folder fits MAX_CACHE_BYTES (never `keep`). */
  private async trim(keep: string): Promise<void> {
    const files = await Promise.all(
      [...this.known.entries()].map(async ([key, file]) => {
        const stat = await fs.stat(file).catch(() => undefined);
        return { key, file, size: stat?.size ?? 0, used: stat?.mtimeMs ?? 0 };
      }),
    );
    let total = files.reduce((sum, f) => sum + f.size, 0);
    for (const f of files.sort((a, b) => a.used - b.used)) {
      if (total <= MAX_CACHE_BYTES) break;
      if (f.file === keep) continue;
      await fs.rm(f.file, { force: true });
      this.known.delete(f.key);
      total -= f.size;
    }
  }
}
