// What goes with the next message of each thread, besides its text (which the panel keeps): the
// files and images waiting as chips, from the start of their upload until a message carries them,
// and limits set for that one run. A send takes them as one; a send that stored nothing gives
// them back as one, like the draft.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newLocalId } from '../../core/ids';
import type { AttachmentPart, ContextLimits } from '../../core/model';
import type { PendingAttachment } from '../../shared/protocol';

interface Entry {
  view: PendingAttachment;
  /** Set once the dialect has uploaded or inlined it. */
  part?: AttachmentPart;
  abort: AbortController;
}

/** What a send took for its message; give it back (giveBack) when nothing was stored. */
export interface TakenMessage {
  threadId: string;
  attachments: AttachmentPart[];
  runLimits: ContextLimits | undefined;
  /** The chips as they were, to put back. */
  entries: Entry[];
}

/** What changed about a thread's next message: its chips, or its run limits. */
export interface NextMessageChange {
  threadId: string;
  what: 'attachments' | 'runLimits';
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

export class NextMessage implements vscode.Disposable {
  private readonly attachments = new Map<string, Entry[]>();
  private readonly limits = new Map<string, ContextLimits>();
  private readonly changed = new vscode.EventEmitter<NextMessageChange>();
  readonly onDidChange = this.changed.event;

  /** The chips of `threadId`'s next message, as the panel shows them. */
  pending(threadId: string | undefined): PendingAttachment[] {
    return threadId ? (this.attachments.get(threadId) ?? []).map((e) => ({ ...e.view })) : [];
  }

  /** Limits for `threadId`'s next run only. */
  runLimits(threadId: string | undefined): ContextLimits | undefined {
    return threadId === undefined ? undefined : this.limits.get(threadId);
  }

  setRunLimits(threadId: string, limits: ContextLimits | undefined): void {
    if (limits) this.limits.set(threadId, limits);
    else this.limits.delete(threadId);
    this.changed.fire({ threadId, what: 'runLimits' });
  }

  /** Registers an upload that is starting; returns its id and abort signal. */
  beginUpload(threadId: string, kind: 'file' | 'image', name: string, bytes: number): { id: string; signal: AbortSignal } {
    const entry: Entry = {
      view: { id: newLocalId('att'), kind, name, bytes, mime: mimeFromName(name), state: 'uploading', progress: 0 },
      abort: new AbortController(),
    };
    this.entries(threadId).push(entry);
    this.attachmentsChanged(threadId);
    return { id: entry.view.id, signal: entry.abort.signal };
  }

  progress(threadId: string, id: string, fraction: number): void {
    const entry = this.find(threadId, id);
    if (!entry) return;
    entry.view.progress = Math.max(0, Math.min(1, fraction));
    this.attachmentsChanged(threadId);
  }

  ready(threadId: string, id: string, part: AttachmentPart): void {
    const entry = this.find(threadId, id);
    if (!entry) return;
    entry.part = part;
    entry.view.state = 'ready';
    entry.view.progress = 1;
    this.attachmentsChanged(threadId);
  }

  /** Removes an attachment, cancelling its upload if it is still going. */
  remove(id: string): void {
    for (const [threadId, entries] of this.attachments) {
      const index = entries.findIndex((e) => e.view.id === id);
      if (index < 0) continue;
      entries[index]!.abort.abort();
      entries.splice(index, 1);
      this.attachmentsChanged(threadId);
      return;
    }
  }

  isUploading(threadId: string): boolean {
    return (this.attachments.get(threadId) ?? []).some((e) => e.view.state === 'uploading');
  }

  /** Takes the ready attachments and the run limits of `threadId`'s next message, for a send. */
  take(threadId: string): TakenMessage {
    const entries = this.attachments.get(threadId) ?? [];
    const taken = entries.filter((e) => e.part);
    this.attachments.set(threadId, entries.filter((e) => !e.part));
    const runLimits = this.limits.get(threadId);
    this.limits.delete(threadId);
    if (taken.length) this.attachmentsChanged(threadId);
    if (runLimits) this.changed.fire({ threadId, what: 'runLimits' });
    return { threadId, attachments: taken.map((e) => e.part!), runLimits, entries: taken };
  }

  /** Takes only the run limits (a Retry, which carries no attachments). */
  takeRunLimits(threadId: string): ContextLimits | undefined {
    const runLimits = this.limits.get(threadId);
    if (runLimits) this.setRunLimits(threadId, undefined);
    return runLimits;
  }

  /** Puts back what a send took that stored nothing: the chips first in line, and the limits. */
  giveBack(taken: TakenMessage): void {
    const { threadId, entries, runLimits } = taken;
    if (entries.length) {
      this.entries(threadId).unshift(...entries);
      this.attachmentsChanged(threadId);
    }
    if (runLimits) this.setRunLimits(threadId, runLimits);
  }

  dispose(): void {
    for (const entries of this.attachments.values()) for (const e of entries) e.abort.abort();
    this.attachments.clear();
    this.changed.dispose();
  }

  private attachmentsChanged(threadId: string): void {
    this.changed.fire({ threadId, what: 'attachments' });
  }

  private entries(threadId: string): Entry[] {
    let entries = this.attachments.get(threadId);
    if (!entries) this.attachments.set(threadId, (entries = []));
    return entries;
  }

  private find(threadId: string, id: string): Entry | undefined {
    return this.attachments.get(threadId)?.find((e) => e.view.id === id);
  }
}
