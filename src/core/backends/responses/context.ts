// Context limits Responses cannot enforce itself. It has no prompt-token limit and nothing like
// Assistants' `last_messages`, so for those Threadline picks the newest history that fits and
// sends it as explicit input. Sizes come from the server's `POST /responses/input_tokens` where
// it exists, so the budget matches what the server will bill; elsewhere from a local estimate.
import type OpenAI from 'openai';
import type { HistorySource } from '../backend';
import { messageText } from '../../model';
import type { ContextLimits, Message } from '../../model';
import { countTextTokens, IMAGE_TOKENS, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE } from '../../context/tokens';
import { keepOlderFor, selectWithin } from '../contextSelection';
import type { SelectionPlan } from '../contextSelection';
import { openai } from '../sdk';
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

/**
 * How this dialect selects history for `input` under client-side limits. `count` is the server's
 * count (see serverPromptCounter), fitted as a whole; 'local' adds up local estimates instead
 * (the context gauge: no request per count, and the same choice wherever estimates add up).
 */
export function responsesSelectionPlan(input: Message, limits: ContextLimits | undefined, count: PromptCounter | 'local'): SelectionPlan<Message> {
  // Messages with nothing to resend are neither sent nor reported as dropped.
  const plan: SelectionPlan<Message> = { toItem: (message) => (toHistoryItem(message) !== undefined ? message : undefined), keepOlder: keepOlderFor(limits) };
  if (limits?.maxPromptTokens !== undefined) plan.budget = { tokens: limits.maxPromptTokens, source: 'maxPromptTokens' };
  if (count === 'local') plan.cost = { kind: 'added', required: REPLY_PRIMING_TOKENS + estimateMessageTokens(input), costOf: estimateMessageTokens };
  else if (plan.budget) plan.cost = { kind: 'whole', count: (kept) => count(kept, input) };
  return plan;
}

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
  const { kept, omittedMessageIds } = await selectWithin(history, responsesSelectionPlan(input, limits, count));
  return { kept, omittedMessageIds };
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
        if (!(err instanceof openai().NotFoundError) || err.code === 'model_not_found') throw err;
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

/** One message's share of a local estimate (additive: estimatePromptTokens is their sum plus priming). */
export function estimateMessageTokens(message: Message): number {
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
