// Attaching files and images to a thread's next message, wherever they come from (a picker, the
// explorer, a drop, a paste): read, checked, uploaded or inlined the way the thread's dialect
// takes them, with a cancellable progress notification, then shown as a chip. The same bytes
// already sent to the same server, for the same dialect and account, are not uploaded again.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sha256Hex } from '../../core/attachments/attachmentSource';
import { detectImageMime } from '../../core/attachments/imageTypes';
import { describeError } from '../../core/backends/errors';
import type { AttachmentOptions } from '../../core/chat/chatEvents';
import type { ThreadStore } from '../../core/library/threadStore';
import type { AttachmentPart, AttachmentSource } from '../../core/model';
import { withoutSource } from '../../core/model';
import type { ApiKeyStore } from '../connection/apiKey';
import { readSettings } from '../connection/settings';
import type { Prompts } from '../prompts';
import { mimeFromName } from './nextMessage';
import type { NextMessage } from './nextMessage';

/** Images up to this size are kept in the thread as a preview (bigger ones show as a chip). */
const MAX_PREVIEW_BYTES = 1024 * 1024;

/** Where a problem with an attachment is told: the panel that asked for it. */
export type ProblemReporter = (message: string) => void;

export interface AttachmentsDeps {
  store: Pick<ThreadStore, 'get'>;
  nextMessage: NextMessage;
  apiKey: Pick<ApiKeyStore, 'get'>;
  /** Uploads or inlines a part for the thread's dialect (core/attachments/prepareAttachment). */
  prepare: (threadId: string, part: AttachmentPart, data: Uint8Array, options: AttachmentOptions) => Promise<AttachmentPart>;
  prompts: () => Prompts;
}

export class Attachments {
  /** Parts already uploaded, by dialect, server, account, kind and content hash (this session). */
  private readonly uploaded = new Map<string, AttachmentPart>();

  constructor(private readonly deps: AttachmentsDeps) {}

  /**
   * Attaches a local file or image to the next message of `threadId` ('auto': an image if its
   * bytes are one). A file keeps where it came from and its hash, so the panel can tell later
   * that it changed.
   */
  async attachUri(threadId: string, kind: 'file' | 'image' | 'auto', uri: vscode.Uri, report: ProblemReporter): Promise<boolean> {
    let stat: vscode.FileStat;
    let data: Uint8Array;
    try {
      // Stat before reading: a write in between then looks like a change, never like no change.
      stat = await vscode.workspace.fs.stat(uri);
      data = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      report(vscode.l10n.t('Cannot read {0}: {1}', uri.scheme === 'file' ? uri.fsPath : uri.toString(), describeError(err).message));
      return false;
    }
    const as = kind === 'auto' ? (detectImageMime(data) ? 'image' : 'file') : kind;
    const source: AttachmentSource = { uri: uri.toString(), sha256: sha256Hex(data), size: data.byteLength, mtime: stat.mtime };
    return this.attachBytes(threadId, as, path.basename(uri.path), data, report, as === 'file' ? source : undefined);
  }

  /**
   * Uploads (or inlines, depending on the dialect) with a cancellable progress notification, then
   * shows it as a chip. The same bytes already sent to this server for this dialect are reused.
   */
  async attachBytes(threadId: string, kind: 'file' | 'image', name: string, data: Uint8Array, report: ProblemReporter, source?: AttachmentSource): Promise<boolean> {
    const { nextMessage } = this.deps;
    const upload = nextMessage.beginUpload(threadId, kind, name, data.byteLength);
    const thread = this.deps.store.get(threadId);
    if (!thread) {
      nextMessage.remove(upload.id);
      report(vscode.l10n.t('That thread no longer exists.'));
      return false;
    }
    const sha256 = source?.sha256 ?? sha256Hex(data);
    // Per account too: after a key or project change, another account's file id would be refused.
    const settings = readSettings();
    const account = sha256Hex(new TextEncoder().encode(`${(await this.deps.apiKey.get()) ?? ''}\n${settings.organization ?? ''}\n${settings.project ?? ''}`));
    const uploadKey = `${thread.backend} ${settings.baseUrl} ${account} ${kind} ${sha256}`;
    const earlier = this.uploaded.get(uploadKey);
    if (earlier) {
      nextMessage.ready(threadId, upload.id, withSource({ ...earlier, name }, source));
      return true;
    }
    const part: AttachmentPart = kind === 'image' ? { type: 'image', name, mime: mimeFromName(name) } : { type: 'file', name, bytes: data.byteLength, mime: mimeFromName(name) };
    // Small images keep a data: URL so the panel can show them whatever the dialect sends.
    const imageMime = detectImageMime(data);
    if (part.type === 'image' && imageMime && data.byteLength <= MAX_PREVIEW_BYTES) {
      part.dataUrl = `data:${imageMime};base64,${Buffer.from(data).toString('base64')}`;
    }
    try {
      const prepared = await this.deps.prompts().progress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: attaching {0}', name), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => nextMessage.remove(upload.id));
          let reported = 0;
          return this.deps.prepare(threadId, part, data, {
            signal: upload.signal,
            onProgress: (sent, total) => {
              const fraction = total > 0 ? sent / total : 1;
              progress.report({ increment: (fraction - reported) * 100 });
              reported = fraction;
              nextMessage.progress(threadId, upload.id, fraction);
            },
          });
        },
      );
      this.uploaded.set(uploadKey, withSource(prepared, undefined));
      nextMessage.ready(threadId, upload.id, withSource(prepared, source));
      return true;
    } catch (err) {
      const cancelled = upload.signal.aborted;
      nextMessage.remove(upload.id);
      if (cancelled) return false;
      const message = describeError(err).message;
      report(message);
      void this.deps.prompts().error(vscode.l10n.t('Threadline: {0}', message));
      return false;
    }
  }
}

/** A file part with this attachment's source (or none); images carry no source. */
function withSource(part: AttachmentPart, source: AttachmentSource | undefined): AttachmentPart {
  if (part.type !== 'file') return part;
  const rest = withoutSource(part) as typeof part;
  return source ? { ...rest, source } : rest;
}
