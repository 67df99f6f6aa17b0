// Stored messages as Responses input items. The new message must carry every attachment as
// uploaded; older messages are resent only when Threadline trims the context itself, and there
// an attachment that cannot be sent becomes a short note, so one odd old message cannot make
// the whole thread unusable.
import * as l10n from '@vscode/l10n';
import type { ResponseInputContent, ResponseInputItem } from 'openai/resources/responses/responses';
import { messageText } from '../../model';
import type { ContentPart, Message } from '../../model';
import { unsendableNote } from '../unsendable';

/** The new user message. Throws when an attachment was not uploaded. */
export function toInputItem(message: Message): ResponseInputItem {
  return { type: 'message', role: 'user', content: message.content.map((part) => toInputContent(part, true)) };
}

/**
 * An earlier message, or undefined when there is nothing to resend: a user message without
 * content (the server refuses an empty one), or an assistant message without text (a reply
 * that failed or was stopped before any text).
 */
export function toHistoryItem(message: Message): ResponseInputItem | undefined {
  if (message.role === 'user') {
    return message.content.length > 0 ? { type: 'message', role: 'user', content: message.content.map((part) => toInputContent(part, false)) } : undefined;
  }
  const text = messageText(message);
  // The SDK types output_text content only on output messages, which need the server's item id;
  // a string is the documented way to replay an assistant turn and arrives as output_text.
  return text ? { type: 'message', role: 'assistant', content: text } : undefined;
}

/** Kept history then the new message, as one request's `input`. */
export function toInputItems(history: readonly Message[], input: Message): ResponseInputItem[] {
  return [...history.flatMap((message) => toHistoryItem(message) ?? []), toInputItem(input)];
}

function toInputContent(part: ContentPart, isInput: boolean): ResponseInputContent {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'file':
      if (part.fileId) return { type: 'input_file', file_id: part.fileId };
      if (isInput) throw new Error(l10n.t('The attachment "{0}" has not been uploaded.', part.name));
      return { type: 'input_text', text: unsendableNote(part) };
    case 'image':
      if (part.fileId) return { type: 'input_image', file_id: part.fileId, detail: 'auto' };
      if (part.dataUrl) return { type: 'input_image', image_url: part.dataUrl, detail: 'auto' };
      if (isInput) throw new Error(l10n.t('The image "{0}" has no data to send.', part.name));
      return { type: 'input_text', text: unsendableNote(part) };
  }
}
