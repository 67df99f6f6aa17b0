// Tells whether the file an attachment was read from still holds what was attached. Plain Node:
// the host hands in how to stat and read a URI, tests hand in fakes.
import { createHash } from 'node:crypto';
import type { AttachmentSource } from '../model';

export type SourceState = 'fresh' | 'changed' | 'missing';

export interface SourceFiles {
  /** Size and mtime (Unix ms) of the file, or undefined when there is no such file. */
  stat(uri: string): Promise<{ size: number; mtime: number } | undefined>;
  read(uri: string): Promise<Uint8Array>;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Checks sources cheaply: a stat first (same size and mtime as when attached: unchanged; another
 * size: changed), and a hash only when the size is the same but the mtime moved. Hashes are
 * cached by URI, size and mtime, so a file is read at most once per change however many
 * attachments or panels name it.
 */
export class SourceChecker {
  private readonly hashes = new Map<string, { size: number; mtime: number; sha256: Promise<string> }>();

  constructor(private readonly files: SourceFiles) {}

  async check(source: AttachmentSource): Promise<SourceState> {
    let stat;
    try {
      stat = await this.files.stat(source.uri);
    } catch {
      // Cannot tell (no permission, a provider that is not up yet): say nothing rather than alarm.
      return 'fresh';
    }
    if (!stat) return 'missing';
    if (stat.size !== source.size) return 'changed';
    if (stat.mtime === source.mtime) return 'fresh';
    try {
      return (await this.hashOf(source.uri, stat)) === source.sha256 ? 'fresh' : 'changed';
    } catch {
      // Deleted between the stat and the read, most likely.
      return (await this.files.stat(source.uri).catch(() => undefined)) ? 'fresh' : 'missing';
    }
  }

  private hashOf(uri: string, stat: { size: number; mtime: number }): Promise<string> {
    const cached = this.hashes.get(uri);
    if (cached && cached.size === stat.size && cached.mtime === stat.mtime) return cached.sha256;
    const sha256 = this.files.read(uri).then(sha256Hex);
    this.hashes.set(uri, { ...stat, sha256 });
    sha256.catch(() => {
      if (this.hashes.get(uri)?.sha256 === sha256) this.hashes.delete(uri);
    });
    return sha256;
  }
}
