// What the stand-in "assistant" answers, so tests can predict every run.
//
// The text is `expectedReply(<text of the last user message>)`, one delta per word. Then, for
// each file attached to that message, a citation marker `【4:<i>†<filename>】` (one delta, with
// a file_citation annotation whose quote is the file's first line); and for each attachment
// given to code_interpreter, a link ` [<stem>-summary.txt](sandbox:/mnt/data/<stem>-summary.txt)`
// (one delta, a file_path annotation over the sandbox path) to a generated file with purpose
// assistants_output, stored when that delta is sent. Every delta is one completion token.
import { expectedReply, splitDeltas } from '../../replies';
import { newId, nowSeconds } from '../../store';
import type { StandInState, StoredFile } from '../../store';
import type { MessageObject } from './family';

export type SegmentAnnotation =
  | { type: 'file_citation'; fileId: string; quote: string | undefined }
  | { type: 'file_path'; file: StoredFile };

export interface ReplySegment {
  text: string;
  /** The annotated span within `text` (offset, length) and what it points to. */
  annotation?: SegmentAnnotation & { offset: number; length: number };
}

export function replySegments(trigger: MessageObject | undefined, state: StandInState): ReplySegment[] {
  const segments: ReplySegment[] = splitDeltas(expectedReply(trigger ? messageText(trigger) : '')).map((text) => ({ text }));
  const attachments = trigger?.attachments ?? [];
  attachments.forEach((attachment, i) => {
    const stored = state.files.get(attachment.file_id);
    const marker = `【4:${i}†${stored?.file.filename ?? attachment.file_id}】`;
    segments.push({ text: marker, annotation: { type: 'file_citation', fileId: attachment.file_id, quote: stored && firstLine(stored.content), offset: 0, length: marker.length } });
  });
  for (const attachment of attachments) {
    const source = state.files.get(attachment.file_id);
    if (!source || !attachment.tools.some((tool) => tool.type === 'code_interpreter')) continue;
    const file = generatedFile(source);
    const path = `sandbox:/mnt/data/${file.file.filename}`;
    const text = ` [${file.file.filename}](${path})`;
    segments.push({ text, annotation: { type: 'file_path', file, offset: text.indexOf(path), length: path.length } });
  }
  return segments;
}

/** The text parts of a message, joined. */
export function messageText(message: MessageObject): string {
  return message.content.map((part) => (part.type === 'text' ? part.text.value : '')).join('');
}

/** Prompt tokens: every whitespace-separated word of the messages' text and of the instructions. */
export function countPromptTokens(messages: readonly MessageObject[], instructions: string): number {
  const words = (text: string) => text.match(/\S+/g)?.length ?? 0;
  return messages.reduce((sum, message) => sum + words(messageText(message)), words(instructions));
}

/** What code_interpreter "made" from an attached file: a short, predictable summary. */
function generatedFile(source: StoredFile): StoredFile {
  const stem = source.file.filename.replace(/\.[^.]*$/, '') || 'file';
  const lines = source.content.toString('utf8').split('\n').filter((line) => line.trim() !== '').length;
  const content = Buffer.from(`Summary of ${source.file.filename}: ${source.content.length} bytes, ${lines} lines.\n`);
  return {
    file: { id: newId('file-'), object: 'file', bytes: content.length, created_at: nowSeconds(), filename: `${stem}-summary.txt`, purpose: 'assistants_output', status: 'processed' },
    content,
    contentType: 'text/plain',
  };
}

/** The quote a file_search citation carries: the file's first non-blank line, if it reads as text. */
function firstLine(content: Buffer): string | undefined {
  const line = content.toString('utf8').split('\n').find((l) => l.trim() !== '')?.trim();
  // Binary content (control characters, invalid UTF-8) is not quotable.
  if (!line || line.includes('\uFFFD') || [...line].some((c) => c < '\t')) return undefined;
  return line.slice(0, 80);
}
