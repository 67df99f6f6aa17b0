// A conversation's messages read back as Threadline messages, oldest first. Tool calls,
// reasoning and system/developer messages are items too, but not part of the thread as the
// user sees it, so they are left out.
import type OpenAI from 'openai';
import type { Message as ConversationMessage } from 'openai/resources/conversations/conversations';
import type { RemoteMessage } from '../backend';
import type { ContentPart } from '../../model';
import { toAnnotation } from './annotations';

/** The API's largest page: fewest round trips for a long thread. */
const PAGE_SIZE = 100;

export async function* listConversationMessages(client: OpenAI, conversationId: string, signal: AbortSignal | undefined): AsyncGenerator<RemoteMessage> {
  // The SDK follows the pages (`after` = the previous page's last_id) as the loop asks for more.
  const items = client.conversations.items.list(conversationId, { limit: PAGE_SIZE, order: 'asc' }, { signal });
  for await (const item of items) {
    if (item.type !== 'message' || (item.role !== 'user' && item.role !== 'assistant')) continue;
    yield { remoteId: item.id, role: item.role, content: item.content.flatMap(toContentPart) };
  }
}

function toContentPart(part: ConversationMessage['content'][number]): ContentPart[] {
  switch (part.type) {
    case 'input_text':
    case 'text':
      return [{ type: 'text', text: part.text }];
    case 'output_text': {
      const annotations = part.annotations.flatMap((wire) => toAnnotation(wire) ?? []);
      return [annotations.length ? { type: 'text', text: part.text, annotations } : { type: 'text', text: part.text }];
    }
    case 'refusal':
      // The model's answer too; dropping it would leave the reply looking empty.
      return [{ type: 'text', text: part.refusal }];
    case 'input_image':
      return [imagePart(part.file_id, part.image_url)];
    case 'input_file': {
      const fileId = part.file_id ?? undefined;
      const name = part.filename ?? fileId ?? part.file_url ?? 'file';
      return [{ type: 'file', name, ...(fileId ? { fileId } : {}) }];
    }
    default:
      // Reasoning text, summaries and screenshots belong to tool work, not to what was said.
      return [];
  }
}

function imagePart(fileId: string | null | undefined, imageUrl: string | null | undefined): ContentPart {
  const dataUrl = imageUrl?.startsWith('data:') ? imageUrl : undefined;
  const mime = dataUrl ? (/^data:([^;,]+)/.exec(dataUrl)?.[1] ?? '') : '';
  // A remote URL has no field of its own in the model; as the name it at least shows where the image was.
  const name = fileId ?? (dataUrl ? 'image' : (imageUrl ?? 'image'));
  return { type: 'image', name, mime, ...(fileId ? { fileId } : {}), ...(dataUrl ? { dataUrl } : {}) };
}
