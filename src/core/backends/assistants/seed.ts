// An Assistants thread that starts with history (e.g. imported from elsewhere). Thread create
// takes at most 32 messages; the rest are added one by one, in order, as the API has no batch add.
import type OpenAI from 'openai';
import type { MessageCreateParams } from 'openai/resources/beta/threads/messages';
import type { Message, ThreadMeta } from '../../model';
import { messageText } from '../../model';
import { unsendableNote } from '../unsendable';
import { toMessageParams } from './messageParams';

const MAX_MESSAGES_PER_CREATE = 32;

export async function createSeededThread(client: OpenAI, thread: ThreadMeta, messages: readonly Message[]): Promise<string> {
  const params = messages.flatMap((message) => seedParams(message) ?? []);
  const first = params.slice(0, MAX_MESSAGES_PER_CREATE);
  const created = await client.beta.threads.create({ metadata: { threadline_thread: thread.id }, ...(first.length ? { messages: first } : {}) });
  try {
    for (const message of params.slice(MAX_MESSAGES_PER_CREATE)) await client.beta.threads.messages.create(created.id, message);
  } catch (err) {
    // A thread missing part of its history would mislead every later run: remove it.
    await client.beta.threads.delete(created.id).catch(() => undefined);
    throw err;
  }
  return created.id;
}

/**
 * An earlier message as a create param, or undefined when there is nothing to send (no content,
 * or a reply that ended before any text). An attachment that was never uploaded becomes a note,
 * so one odd old message cannot keep the whole history out.
 */
function seedParams(message: Message): MessageCreateParams | undefined {
  if (message.role === 'assistant') {
    const text = messageText(message);
    return text ? { role: 'assistant', content: text } : undefined;
  }
  if (message.content.length === 0) return undefined;
  return toMessageParams({
    ...message,
    content: message.content.map((part) => (part.type === 'text' || part.fileId ? part : { type: 'text', text: unsendableNote(part) })),
  });
}
