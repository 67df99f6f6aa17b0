// Context limits Responses cannot enforce itself. It has no prompt-token limit and nothing like
// Assistants' `last_messages`, so for those Threadline picks the newest history that fits and
// sends it as explicit input. Sizes come from the server's `POST /responses/input_tokens` where
// it exists, so the budget matches what the server will bill; elsewhere from a local estimate.
import { NotFoundError } from 'openai';
import type OpenAI from 'openai';
import type { HistorySource } from '../../backend';
import { messageText } from '../../model';
import type { ContextLimits, Message } from '../../model';
import { PromptTooLargeError } from '../../promptTooLarge';
import { countTextTokens, IMAGE_TOKENS, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE } from '../../tokens';
import { historyItems, omittedIds } from '../history';
import type { HistoryEntry } from '../history';
import { toHistoryItem, toInputItems } from './input';

/** Prompt tokens of a request carrying `history` (oldest first) and then `input`. */
export type PromptCounter = (history: readonly Message[], input: Message) => Promise<number>;

export interface SelectedHistory {
  /** The history to send, oldest first. */
  kept: Message[];
  /** Local ids of history messages left out to fit the limits, oldest first (at most OMITTED_IDS_LISTED). */
  omittedMessageIds: string[];
}

/** True when the limits ask for trimming only the client can do. */
export function needsClientContext(limits: ContextLimits | undefined): boolean {
  return limits?.maxPromptTokens !== undefined || limits?.truncation?.type === 'last_messages';
}

/** History messages counted first under a prompt budget; the window doubles while it fits. */
const FIRST_WINDOW = 32;

/**
 * The newest history within the limits. `last_messages: N` counts the new message too, as the
 * Assistants API does (its thread already holds it), so N − 1 older messages stay at most.
 * Only whole messages are dropped, always the oldest, so what is kept runs unbroken to the present.
 *
 * History is read newest first and only as far as needed: under a prompt budget a window of the
 * newest messages is counted and doubled while it fits, then the most that fit is found by
 * binary search inside the last window, so a long thread costs about twice what fits.
 */
export async function selectHistory(history: HistorySource, input: Message, limits: ContextLimits | undefined, count: PromptCounter): Promise<SelectedHistory> {
  const keepOlder = limits?.truncation?.type === 'last_messages' ? Math.max(0, limits.truncation.lastMessages - 1) : Infinity;
  const budget = limits?.maxPromptTokens;
  // Messages with nothing to resend are neither sent nor reported as dropped.
  const entries = historyItems(history, (message) => (toHistoryItem(message) !== undefined ? message : undefined));
  /** Read so far and not dropped by `last_messages`, newest first. */
  const candidates: HistoryEntry<Message>[] = [];
  const dropped: HistoryEntry<Message>[] = [];
  let exhausted = false;
  /** Reads candidates up to `size`; past `keepOlder` the first extra is dropped and reading stops. */
  const fill = async (size: number) => {
    while (!exhausted && candidates.length < size) {
      const next = await entries.next();
      if (next.done) exhausted = true;
      else if (candidates.length < keepOlder) candidates.push(next.value);
      else {
        dropped.push(next.value);
        exhausted = true;
      }
    }
  };
  const oldestFirst = (n: number) => candidates.slice(0, n).reverse().map((entry) => entry.item);

  /** How many of the newest candidates fit `limit`, reading only about twice as many. */
  const mostThatFit = async (limit: number): Promise<number> => {
    // `fits` are known to fit (none before the first count, which tries all there are when the
    // history is short); `window` is the next size tried.
    let fits = 0;
    let counted = false;
    for (let window = FIRST_WINDOW; ; window *= 2) {
      await fill(window);
      const size = candidates.length;
      if (counted && size === fits) return fits;
      counted = true;
      if ((await count(oldestFirst(size), input)) <= limit) {
        fits = size;
        if (exhausted) return fits;
        continue;
      }
      if (fits === 0) {
        const alone = await count([], input);
        if (alone > limit) throw new PromptTooLargeError(alone, { tokens: limit, source: 'maxPromptTokens' });
      }
      // Binary search for the most history that fits: it holds with `lo` kept, fails with `hi`.
      let lo = fits;
      let hi = size;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await count(oldestFirst(mid), input)) <= limit) lo = mid;
        else hi = mid;
      }
      return lo;
    }
  };

  try {
    let kept: number;
    if (budget === undefined) {
      await fill(Infinity);
      kept = candidates.length;
    } else {
      kept = await mostThatFit(budget);
    }
    const omittedMessageIds = await omittedIds([...candidates.slice(kept), ...dropped], entries);
    return { kept: oldestFirst(kept), omittedMessageIds };
  } finally {
    // Stops the read (and closes the thread file) however the selection ended.
    await entries.return(undefined);
  }
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
