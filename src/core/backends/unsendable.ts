// Resent history may hold an attachment the server cannot take again (never uploaded, or only
// inlined for Chat Completions). It becomes this note rather than failing the whole thread.
import type { ContentPart } from '../model';

export function unsendableNote(part: Extract<ContentPart, { type: 'file' | 'image' }>): string {
  return `[The ${part.type} ${part.name} was attached here but cannot be sent again.]`;
}
