import * as path from 'node:path';
import type { AttachmentPart } from '../../core/chat/chatService';
import { newLocalId } from '../../core/ids';
import type { PendingAttachment } from '../../shared/protocol';

interface Entry {
  view: PendingAttachment;
  /** Set once the dialect has uploaded or inlined it. */
  part?: AttachmentPart;
  abort: AbortController;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.pdf': 'application/pdf', '.md': 'text/markdown', '.txt': 'text/plain', '.json': 'application/json',
  '.csv': 'text/csv', '.html': 'text/html', '.ts': 'text/x-typescript', '.js': 'text/javascript', '.py': 'text/x-python',
};

/** A best guess from the name; the dialects check image bytes themselves. */
export function mimeFromName(name: string): string {
  return MIME_BY_EXTENSION[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Files and images waiting in the composer, per thread, from the start of their upload until the
 * message that carries them is stored. A failed send gives them back, like the draft.
 */
export class PendingAttachments {
  private readonly byThread = new Map<string, Entry[]>();

  constructor(private readonly onChange: (threadId: string) => void) {}

  list(threadId: string | undefined): PendingAttachment[] {
    return threadId ? (this.byThread.get(threadId) ?? []).map((e) => ({ ...e.view })) : [];
  }

  /** Registers an upload that is starting; returns its id and abort signal. */
  begin(threadId: string, kind: 'file' | 'image', name: string, bytes: number): { id: string; signal: AbortSignal } {
    const entry: Entry = {
      view: { id: newLocalId('att'), kind, name, bytes, mime: mimeFromName(name), state: 'uploading', progress: 0 },
      abort: new AbortController(),
    };
    this.entries(threadId).push(entry);
    this.onChange(threadId);
    return { id: entry.view.id, signal: entry.abort.signal };
  }

  progress(threadId: string, id: string, fraction: number): void {
    const entry = this.find(threadId, id);
    if (!entry) return;
    entry.view.progress = Math.max(0, Math.min(1, fraction));
    this.onChange(threadId);
  }

  ready(threadId: string, id: string, part: AttachmentPart): void {
    const entry = this.find(threadId, id);
    if (!entry) return;
    entry.part = part;
    entry.view.state = 'ready';
    entry.view.progress = 1;
    this.onChange(threadId);
  }

  /** Removes an attachment, cancelling its upload if it is still going. */
  remove(id: string): void {
    for (const [threadId, entries] of this.byThread) {
      const index = entries.findIndex((e) => e.view.id === id);
      if (index < 0) continue;
      entries[index]!.abort.abort();
      entries.splice(index, 1);
      this.onChange(threadId);
      return;
    }
  }

  isUploading(threadId: string): boolean {
    return (this.byThread.get(threadId) ?? []).some((e) => e.view.state === 'uploading');
  }

  /** Takes every ready attachment of the thread for a send. */
  take(threadId: string): Entry[] {
    const entries = this.byThread.get(threadId) ?? [];
    const taken = entries.filter((e) => e.part);
    this.byThread.set(threadId, entries.filter((e) => !e.part));
    if (taken.length) this.onChange(threadId);
    return taken;
  }

  /** Puts attachments back after a send that stored nothing. */
  restore(threadId: string, taken: Entry[]): void {
    if (!taken.length) return;
    this.entries(threadId).unshift(...taken);
    this.onChange(threadId);
  }

  dispose(): void {
    for (const entries of this.byThread.values()) for (const e of entries) e.abort.abort();
    this.byThread.clear();
  }

  private entries(threadId: string): Entry[] {
    let entries = this.byThread.get(threadId);
    if (!entries) this.byThread.set(threadId, (entries = []));
    return entries;
  }

  private find(threadId: string, id: string): Entry | undefined {
    return this.byThread.get(threadId)?.find((e) => e.view.id === id);
  }
}

export type TakenAttachments = ReturnType<PendingAttachments['take']>;
