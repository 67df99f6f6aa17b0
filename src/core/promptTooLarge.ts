// The one refusal every dialect gives when the new message cannot fit its prompt budget even
// with all history dropped, so the user reads the same sentence whichever backend a thread uses.
import type { PromptBudget } from './tokens';

/** The new message alone is over the prompt budget: nothing can be dropped to make it fit. */
export class PromptTooLargeError extends Error {
  constructor(
    readonly tokens: number,
    readonly budget: PromptBudget,
    /** Needed to explain a `contextWindow` budget; unused for `maxPromptTokens`. */
    contextWindow?: number,
  ) {
    const limit =
      budget.source === 'maxPromptTokens'
        ? `this thread's prompt limit of ${format(budget.tokens)} tokens (maxPromptTokens). Shorten it, remove attachments, or raise the limit.`
        : `the ${format(budget.tokens)} tokens the model's ${format(contextWindow ?? 0)}-token context window leaves for the prompt. Shorten it or remove attachments.`;
    super(`This message is about ${format(tokens)} tokens, more than ${limit}`);
    this.name = 'PromptTooLargeError';
  }
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}
