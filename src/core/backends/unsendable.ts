// Resent history may hold an attachment the server cannot take again (never uploaded, or only
// inlined for Chat Completions). It becomes this note rather than failing the whole thread.
import type { AttachmentPart } from '../model';

export function unsendableNote(part: AttachmentPart): string {
  return `[The ${part.type} ${part.name} was attached here but cannot be sent again.]`;
}
