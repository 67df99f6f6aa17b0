// A thread's messages read back as Threadline messages, oldest first: text blocks with their
// citations, images by file id, and attached files as file parts after the message's content.
import type OpenAI from 'openai';
import type { Message as AssistantsMessage, MessageContent } from 'openai/resources/beta/threads/messages';
import type { RemoteMessage } from '../backend';
import type { ContentPart } from '../../model';
import { blockAnnotations } from './annotations';

/** The API's largest page: fewest round trips for a long thread. */
const PAGE_SIZE = 100;

export async function* listThreadMessages(client: OpenAI, threadId: string, signal: AbortSignal | undefined): AsyncGenerator<RemoteMessage> {
  // The SDK follows the pages (`after` = the previous page's last message id) as the loop asks for more.
  for await (const message of client.beta.threads.messages.list(threadId, { limit: PAGE_SIZE, order: 'asc' }, { signal })) {
    yield toRemoteMessage(message);
  }
}

function toRemoteMessage(message: AssistantsMessage): RemoteMessage {
  const files = (message.attachments ?? []).flatMap((attachment): ContentPart[] => (attachment.file_id ? [{ type: 'file', fileId: attachment.file_id, name: attachment.file_id }] : []));
  return {
    remoteId: message.id,
    role: message.role,
    content: [...message.content.flatMap(toContentPart), ...files],
    // The API counts seconds; the model, milliseconds.
    createdAt: message.created_at * 1000,
  };
}

function toContentPart(block: MessageContent): ContentPart[] {
  switch (block.type) {
    case 'text': {
      const annotations = blockAnnotations(block.text);
      return [annotations.length ? { type: 'text', text: block.text.value, annotations } : { type: 'text', text: block.text.value }];
    }
    case 'refusal':
      // The model's answer too; dropping it would leave the reply looking empty.
      return [{ type: 'text', text: block.refusal }];
    case 'image_file':
      return [{ type: 'image', fileId: block.image_file.file_id, name: block.image_file.file_id, mime: '' }];
    case 'image_url':
      // A remote URL has no field of its own in the model; as the name it at least shows where the image was.
      return [{ type: 'image', name: block.image_url.url, mime: '' }];
  }
}
