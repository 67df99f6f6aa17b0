// Context limits Responses cannot enforce itself. It has no prompt-token limit and nothing like
// Assistants' `last_messages`, so for those Threadline picks the newest history that fits and
// sends it as explicit input. Sizes come from the server's `POST /responses/input_tokens` where
// it exists, so the budget matches what the server will bill; elsewhere from a local estimate.
import { NotFoundError } from 'openai';
import type OpenAI from 'openai';
import { messageText } from '../../model';
import type { ContextLimits, Message } from '../../model';
import { PromptTooLargeError } from '../../promptTooLarge';
import { countTextTokens, IMAGE_TOKENS, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE } from '../../tokens';
import { toHistoryItem, toInputItems } from './input';

/** Prompt tokens of a request carrying `history` (oldest first) and then `input`. */
export type PromptCounter = (history: readonly Message[], input: Message) => Promise<number>;

export interface SelectedHistory {
  /** The history to send, oldest first. */
  kept: Message[];
  /** Local ids of history messages left out to fit the limits, oldest first. */
  omittedMessageIds: string[];
}

/** True when the limits ask for trimming only the client can do. */
export function needsClientContext(limits: ContextLimits | undefined): boolean {
  return limits?.maxPromptTokens !== undefined || limits?.truncation?.type === 'last_messages';
}

/**
 * The newest history within the limits. `last_messages: N` counts the new message too, as the
 * Assistants API does (its thread already holds it), so N − 1 older messages stay at most.
 * Only whole messages are dropped, always the oldest, so what is kept runs unbroken to the present.
 */
export async function selectHistory(history: readonly Message[], input: Message, limits: ContextLimits | undefined, count: PromptCounter): Promise<SelectedHistory> {
  // Messages with nothing to resend are neither sent nor reported as dropped.
  let older = history.filter((message) => toHistoryItem(message) !== undefined);
  const omitted: string[] = [];
  const dropOldest = (n: number) => {
    omitted.push(...older.slice(0, n).map((message) => message.id));
    older = older.slice(n);
  };

  if (limits?.truncation?.type === 'last_messages') dropOldest(Math.max(0, older.length - (limits.truncation.lastMessages - 1)));

  const budget = limits?.maxPromptTokens;
  if (budget !== undefined && (await count(older, input)) > budget) {
    const alone = await count([], input);
    if (alone > budget) throw new PromptTooLargeError(alone, { tokens: budget, source: 'maxPromptTokens' });
    // Binary search for the most history that fits: `fits` holds with `lo` kept, fails with `hi`.
    let lo = 0;
    let hi = older.length;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await count(older.slice(older.length - mid), input)) <= budget) lo = mid;
      else hi = mid;
    }
    dropOldest(older.length - lo);
  }
  return { kept: older, omittedMessageIds: omitted };
}

/**
 * Counts with the server's input_tokens endpoint, which sees the request exactly as create will.
 * Servers without it (local ones, older proxies) answer 404; from then on this request is counted
 * locally instead.
 */
export function serverPromptCounter(client: OpenAI, model: string, signal: AbortSignal): PromptCounter {
  let local = false;
  return async (history, input) => {
    if (!local) {
      try {
        const counted = await client.responses.inputTokens.count({ model, input: toInputItems(history, input) }, { signal });
        return counted.input_tokens;
      } catch (err) {
        // An unknown model is a 404 too, but one that create would hit as well: report it.
        if (!(err instanceof NotFoundError) || err.code === 'model_not_found') throw err;
        local = true;
      }
    }
    return estimatePromptTokens(history, input);
  };
}

/**
 * A local estimate (o200k_base; see tokens.ts). Uploaded files are not read back, so a file
 * counts its size at four bytes a token: about right for plain text, rough for PDFs.
 */
export function estimatePromptTokens(history: readonly Message[], input: Message): number {
  return [...history, input].reduce((sum, message) => sum + estimateMessageTokens(message), REPLY_PRIMING_TOKENS);
}

function estimateMessageTokens(message: Message): number {
  if (message.role === 'assistant') return TOKENS_PER_MESSAGE + countTextTokens(messageText(message));
  return message.content.reduce((sum, part) => {
    switch (part.type) {
      case 'text':
        return sum + countTextTokens(part.text);
      case 'image':
        return sum + IMAGE_TOKENS;
      case 'file':
        return sum + (part.text !== undefined ? countTextTokens(part.text) : Math.ceil((part.bytes ?? 0) / 4));
    }
  }, TOKENS_PER_MESSAGE);
}
