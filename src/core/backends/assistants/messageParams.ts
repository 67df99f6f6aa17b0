// A local user message as an Assistants message: text and image_file parts in `content`, and
// uploaded files as `attachments`, each given to the tool that can read it.
import * as l10n from '@vscode/l10n';
import type { MessageContentPartParam, MessageCreateParams } from 'openai/resources/beta/threads/messages';
import type { ContentPart, Message } from '../../model';

/** Tabular and structured data goes to code_interpreter, which can compute over it; the rest to file_search. */
const DATA_EXTENSIONS = ['csv', 'tsv', 'xls', 'xlsx', 'json', 'jsonl', 'parquet'];
const DATA_MIME_TYPES = ['text/csv', 'text/tab-separated-values', 'application/json', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

export function toMessageParams(message: Message): MessageCreateParams {
  const content: MessageContentPartParam[] = [];
  const attachments: NonNullable<MessageCreateParams['attachments']> = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        if (part.text) content.push({ type: 'text', text: part.text });
        break;
      case 'image':
        if (!part.fileId) throw new Error(l10n.t('The image "{0}" has not been uploaded.', part.name));
        content.push({ type: 'image_file', image_file: { file_id: part.fileId, detail: 'auto' } });
        break;
      case 'file':
        if (!part.fileId) throw new Error(l10n.t('The attachment "{0}" has not been uploaded.', part.name));
        attachments.push({ file_id: part.fileId, tools: [isDataFile(part) ? { type: 'code_interpreter' } : { type: 'file_search' }] });
        break;
    }
  }
  // `content` needs at least one part; a message of attachments only still says what it carries.
  if (content.length === 0) content.push({ type: 'text', text: `Attached: ${attachmentNames(message.content).join(', ')}` });
  return { role: 'user', content, ...(attachments.length ? { attachments } : {}) };
}

function isDataFile(part: Pick<Extract<ContentPart, { type: 'file' }>, 'name' | 'mime'>): boolean {
  const extension = /\.([^.]+)$/.exec(part.name)?.[1]?.toLowerCase();
  return (extension !== undefined && DATA_EXTENSIONS.includes(extension)) || (part.mime !== undefined && DATA_MIME_TYPES.includes(part.mime.toLowerCase()));
}

function attachmentNames(parts: readonly ContentPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text' ? [] : [part.name]));
}
