// Client-side token estimates and prompt budgets, for dialects that enforce context limits
// themselves: with Chat Completions the server keeps no thread, so the client decides how much
// history fits.
//
// Counts use OpenAI's o200k_base encoding (GPT-4o, GPT-4.1, o-series), exact for those models'
// text. Local models (Llama, Qwen, Mistral, …) have their own tokenizers, so for them a count is
// an estimate (close for English and code, looser for other scripts): set budgets with headroom.
import type * as O200kBase from 'gpt-tokenizer/encoding/o200k_base';
import type { ContextLimits } from '../model';

/** Framing each message costs beyond its content (role and separators), per OpenAI's counting guide. */
export const TOKENS_PER_MESSAGE = 3;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
export const REPLY_PRIMING_TOKENS = 3;
/**
 * A flat charge per image, since images are not decoded to learn their size: a 1024×1024 image
 * at detail "auto" costs 765 tokens on GPT-4o (85 base + 4 tiles × 170).
 */
export const IMAGE_TOKENS = 765;
/** Room kept for the reply under `auto` truncation when no completion limit is set: a quarter of the window, at most this. */
export const MAX_DEFAULT_COMPLETION_RESERVE = 4096;

/** What a message's content may hold, as far as counting goes (structurally the SDK's text and image parts). */
export type CountablePart = { type: 'text'; text: string } | { type: 'image_url' };

/** Where a prompt budget comes from, so an error can name the setting to change. */
export interface PromptBudget {
  tokens: number;
  source: 'maxPromptTokens' | 'contextWindow';
}

let encoding: typeof O200kBase | undefined;

/**
 * The tokenizer, loaded on first use: building its 200k-entry table takes ~150 ms, which
 * extension activation should not pay for threads that never count tokens.
 */
function tokenizer(): typeof O200kBase {
  encoding ??= require('gpt-tokenizer/encoding/o200k_base') as typeof O200kBase;
  return encoding;
}

/** Tokens in plain text. Special-token strings a user pasted (`<|endoftext|>`) count as ordinary text. */
export function countTextTokens(text: string): number {
  if (!text) return 0;
  return tokenizer().countTokens(text, { disallowedSpecial: new Set() });
}

/** Tokens one chat message costs in a prompt: its content plus the per-message framing. */
export function estimateMessageTokens(content: string | readonly CountablePart[]): number {
  if (typeof content === 'string') return TOKENS_PER_MESSAGE + countTextTokens(content);
  return content.reduce((sum, part) => sum + (part.type === 'text' ? countTextTokens(part.text) : IMAGE_TOKENS), TOKENS_PER_MESSAGE);
}

/**
 * The prompt budget the limits set, or undefined when nothing bounds the prompt.
 * `maxPromptTokens` always applies; `auto` truncation also keeps the prompt within the model's
 * context window, less the room reserved for the reply.
 */
export function promptBudget(limits: ContextLimits | undefined, contextWindow: number | undefined): PromptBudget | undefined {
  const budgets: PromptBudget[] = [];
  if (limits?.maxPromptTokens !== undefined) budgets.push({ tokens: limits.maxPromptTokens, source: 'maxPromptTokens' });
  if (limits?.truncation?.type === 'auto' && contextWindow !== undefined) {
    const reserve = limits.maxCompletionTokens ?? Math.min(MAX_DEFAULT_COMPLETION_RESERVE, Math.floor(contextWindow / 4));
    budgets.push({ tokens: Math.max(0, contextWindow - reserve), source: 'contextWindow' });
  }
  return budgets.reduce<PromptBudget | undefined>((min, b) => (min && min.tokens <= b.tokens ? min : b), undefined);
}

/**
 * Keeps the newest of `older` (oldest first) that fit in `budget` beside `requiredTokens`
 * (what is sent regardless). Stops at the first item that does not fit, so what is kept is
 * always an unbroken run up to the present, never a conversation with holes.
 */
export function fitNewest<T>(older: readonly T[], requiredTokens: number, budget: number, costOf: (item: T) => number): { kept: T[]; dropped: T[]; tokens: number } {
  let tokens = requiredTokens;
  let start = older.length;
  while (start > 0) {
    const cost = costOf(older[start - 1] as T);
    if (tokens + cost > budget) break;
    tokens += cost;
    start -= 1;
  }
  return { kept: older.slice(start), dropped: older.slice(0, start), tokens };
}
