// A conversation that starts with history (e.g. imported from elsewhere). The API takes at most
// 20 items per call, so the conversation is created with the first 20 and the rest appended in
// order, 20 at a time.
import type OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { Message, ThreadMeta } from '../../model';
import { toHistoryItem } from './input';

const MAX_ITEMS_PER_CALL = 20;

export async function createConversation(client: OpenAI, thread: ThreadMeta, messages: readonly Message[]): Promise<string> {
  // The same items a trimmed-context reply would resend: user parts as input_text/input_image/
  // input_file, assistant text as output_text; messages with nothing to send are left out.
  const items = messages.flatMap((message) => toHistoryItem(message) ?? []);
  const [first = [], ...rest] = batches(items);
  const conversation = await client.conversations.create({ metadata: { threadline_thread: thread.id }, ...(first.length ? { items: first } : {}) });
  try {
    for (const batch of rest) await client.conversations.items.create(conversation.id, { items: batch });
  } catch (err) {
    // A conversation missing part of its history would mislead every later reply: remove it.
    await client.conversations.delete(conversation.id).catch(() => undefined);
    throw err;
  }
  return conversation.id;
}

function batches(items: readonly ResponseInputItem[]): ResponseInputItem[][] {
  const result: ResponseInputItem[][] = [];
  for (let i = 0; i < items.length; i += MAX_ITEMS_PER_CALL) result.push(items.slice(i, i + MAX_ITEMS_PER_CALL));
  return result;
}
