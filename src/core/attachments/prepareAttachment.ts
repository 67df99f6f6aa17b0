// Makes a local file ready to go with a thread's message, the way the thread's dialect takes it:
// uploaded through the Files API, or inlined (Chat Completions).
import * as l10n from '@vscode/l10n';
import type { Backend } from '../backends/backend';
import { describeError } from '../backends/errors';
import type { AttachmentOptions } from '../chat/chatEvents';
import { SendError, threadGone } from '../chat/chatEvents';
import type { ThreadStore } from '../library/threadStore';
import type { AttachmentPart, BackendKind } from '../model';

/** Throws SendError with a sentence for the user when the thread's dialect cannot take the file. */
export async function prepareAttachment(
  deps: { store: Pick<ThreadStore, 'get'>; backendFor: (kind: BackendKind) => Backend },
  threadId: string,
  part: AttachmentPart,
  data: Uint8Array,
  options: AttachmentOptions = {},
): Promise<AttachmentPart> {
  const thread = deps.store.get(threadId);
  if (!thread) throw new SendError(threadGone());
  const backend = deps.backendFor(thread.backend);
  if (!backend.prepareAttachment) throw new SendError(l10n.t('Threads of this dialect ({0}) cannot take attachments.', thread.backend));
  try {
    return await backend.prepareAttachment(part, data, options);
  } catch (err) {
    throw new SendError(describeError(err).message, { cause: err });
  }
}
