// Citations of an Assistants reply, normalised to the model's Annotation. The final message
// carries the spans; `file_citation.quote` travels only in the deltas on the current API (older
// versions also put it on the final message), so quotes are collected as the deltas stream.
import type { Message as AssistantsMessage, MessageDelta, Text } from 'openai/resources/beta/threads/messages';
import type { Annotation } from '../../model';

/** Quotes from the deltas, keyed by `<content index>:<annotation index>`. */
export type DeltaQuotes = Map<string, string>;

export function collectQuotes(delta: MessageDelta, quotes: DeltaQuotes): void {
  for (const block of delta.content ?? []) {
    if (block.type !== 'text') continue;
    for (const annotation of block.text?.annotations ?? []) {
      const quote = annotation.type === 'file_citation' ? annotation.file_citation?.quote : undefined;
      if (quote) quotes.set(`${block.index}:${annotation.index}`, quote);
    }
  }
}

/** The message's text blocks joined, and their annotations with spans into that text. */
export function replyText(message: AssistantsMessage, quotes: DeltaQuotes): { text: string; annotations: Annotation[] } {
  let text = '';
  const annotations: Annotation[] = [];
  message.content.forEach((block, blockIndex) => {
    if (block.type !== 'text') return;
    for (const annotation of blockAnnotations(block.text, (i) => quotes.get(`${blockIndex}:${i}`))) {
      annotations.push({ ...annotation, start: annotation.start + text.length, end: annotation.end + text.length });
    }
    text += block.text.value;
  });
  return { text, annotations };
}

/** One text block's citations, spans into its own value; `deltaQuote` supplies quotes the block lacks. */
export function blockAnnotations({ value, annotations }: Text, deltaQuote: (index: number) => string | undefined = () => undefined): Annotation[] {
  return annotations.map((annotation, i): Annotation => {
    const [start, end] = locate(value, annotation.start_index, annotation.end_index, annotation.text);
    if (annotation.type === 'file_citation') {
      // No filename from the marker: models write `【4:0†source】` as often as the file's name.
      const quote = quoteOf(annotation.file_citation) ?? deltaQuote(i);
      return { type: 'file_citation', start, end, fileId: annotation.file_citation.file_id, ...(quote ? { quote } : {}) };
    }
    // The sandbox path names the generated file as the reply shows it.
    const filename = /\/([^/]+)$/.exec(annotation.text)?.[1];
    return { type: 'file_path', start, end, fileId: annotation.file_path.file_id, ...(filename ? { filename } : {}) };
  });
}

/**
 * The span of `marker` in `value`. Servers written in Python count code points, not UTF-16
 * units, so after an emoji the given indices point short of the marker; then the marker's
 * nearest occurrence wins. Indices that match nothing are kept, clamped to the text.
 */
function locate(value: string, start: number, end: number, marker: string): [number, number] {
  if (value.slice(start, end) === marker) return [start, end];
  const from = utf16Index(value, start);
  const to = utf16Index(value, end);
  if (value.slice(from, to) === marker) return [from, to];
  let best = -1;
  for (let at = marker ? value.indexOf(marker) : -1; at >= 0; at = value.indexOf(marker, at + 1)) {
    if (best < 0 || Math.abs(at - start) < Math.abs(best - start)) best = at;
  }
  if (best >= 0) return [best, best + marker.length];
  const clamp = (n: number) => Math.max(0, Math.min(n, value.length));
  return [clamp(start), clamp(Math.max(start, end))];
}

/** The UTF-16 index of the `codePoints`-th code point of `value`. */
function utf16Index(value: string, codePoints: number): number {
  let index = 0;
  for (let n = 0; n < codePoints && index < value.length; n++) index += (value.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
}

/** `quote` on a final message's citation, as older API versions sent it. */
function quoteOf(citation: object): string | undefined {
  return 'quote' in citation && typeof citation.quote === 'string' && citation.quote ? citation.quote : undefined;
}
