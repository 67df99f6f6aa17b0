// Stored messages as Chat Completions messages. The server keeps nothing, so every turn resends
// the history: inlined files as fenced text, images as the data URLs prepared for them.
import * as l10n from '@vscode/l10n';
import type { ChatCompletionContentPartImage, ChatCompletionContentPartText } from 'openai/resources/chat/completions/completions';
import { messageText } from '../../model';
import type { ContentPart, Message } from '../../model';
import { languageOf } from './attachments';

export type UserPart = ChatCompletionContentPartText | ChatCompletionContentPartImage;
/** The two roles a thread has, narrower than the SDK's params (which it still satisfies). */
export type ChatMessage = { role: 'user'; content: string | UserPart[] } | { role: 'assistant'; content: string };

/**
 * The wire message for a stored one; undefined for an assistant message without text (a reply
 * that failed or was stopped before any text: there is nothing to resend).
 *
 * `isInput`: the new message must send every attachment, so one that was never prepared is an
 * error; in history such a part (e.g. uploaded by another dialect) becomes a short note instead,
 * so one odd old message cannot make the whole thread unusable.
 */
export function toChatMessage(message: Message, isInput: boolean): ChatMessage | undefined {
  if (message.role === 'assistant') {
    const text = messageText(message);
    return text ? { role: 'assistant', content: text } : undefined;
  }
  const parts = message.content.map((part) => toUserPart(part, isInput));
  // Text alone goes as a plain string: some local servers' chat templates take nothing else.
  if (parts.every((p): p is ChatCompletionContentPartText => p.type === 'text')) {
    return { role: 'user', content: parts.map((p) => p.text).join('\n\n') };
  }
  return { role: 'user', content: parts };
}

function toUserPart(part: ContentPart, isInput: boolean): UserPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'file':
      if (part.text !== undefined) return { type: 'text', text: renderFile(part.name, part.text) };
      if (isInput) throw new Error(l10n.t('The file "{0}" was not prepared for this server (its text was not read).', part.name));
      return { type: 'text', text: `[The file ${part.name} was attached here but cannot be sent to this server.]` };
    case 'image':
      if (part.dataUrl) return { type: 'image_url', image_url: { url: part.dataUrl } };
      if (isInput) throw new Error(l10n.t('The image "{0}" was not prepared for this server (it has no data URL).', part.name));
      return { type: 'text', text: `[The image ${part.name} was attached here but cannot be sent to this server.]` };
  }
}

/** A file as the model should read it: named, with its language, in a fence its content cannot close. */
export function renderFile(name: string, text: string): string {
  const language = languageOf(name);
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const body = text.replace(/\r?\n$/, '');
  return `File \`${name}\` (${language}):\n${fence}${language}\n${body}\n${fence}`;
}
