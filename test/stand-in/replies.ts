// How the stand-in "model" answers, so tests can predict every reply.
//
// Rule: the reply is `Echo: <text>`, where <text> is the text of the LAST user message the
// model sees (conversation items, previous response and this input, in order), its input_text
// parts joined with no separator. With no user text the reply is `Echo: (no text)`.
// The reply streams as one delta per word, each word keeping the whitespace after it; one
// delta counts as one output token, and every whitespace-separated word of input text
// counts as one input token.
//
// Every family starts from this rule and adds what its attachments make visible:
// - Responses (routes/responses.ts): ` I see an image (<mime>).` per distinct image, then
//   ` [<filename>]` with a file_citation per distinct file, ` [<host>]` with a url_citation per
//   link in the last user message, ` [<name>]` with a container_file_citation for
//   `generate a file named <name>`;
// - Chat Completions (routes/chat.ts): an image part reads as `[image: <mime>]` in <text>;
// - Assistants (routes/assistants/reply.ts): a `【4:<i>†<filename>】` citation per attached file,
//   then a sandbox link to a generated file per code_interpreter attachment.
import type { Item, Json } from './store';

export function expectedReply(text: string): string {
  return `Echo: ${text || '(no text)'}`;
}

/** The deltas a reply streams as; joined they give back `reply` exactly. */
export function splitDeltas(reply: string): string[] {
  return reply.match(/\s*\S+\s*/g) ?? [];
}

export function lastUserText(items: readonly Item[]): string {
  const users = items.filter((item) => item.type === 'message' && item.role === 'user');
  const last = users.at(-1);
  return last ? partsText(last.content, 'input_text') : '';
}

/** Input tokens: every word of every text part, plus the instructions. */
export function countInputTokens(items: readonly Item[], instructions: string | null): number {
  const words = (text: string) => text.match(/\S+/g)?.length ?? 0;
  const itemWords = items.reduce((sum, item) => sum + words(partsText(item.content, 'input_text', 'output_text')), 0);
  return itemWords + words(instructions ?? '');
}

function partsText(content: Json | undefined, ...types: string[]): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part && typeof part === 'object' && !Array.isArray(part) && types.includes(String(part.type)) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
