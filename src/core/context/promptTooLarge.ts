// The one refusal every dialect gives when the new message cannot fit its prompt budget even
// with all history dropped, so the user reads the same sentence whichever backend a thread uses.
import * as l10n from '@vscode/l10n';
import type { PromptBudget } from './tokens';

/** The new message alone is over the prompt budget: nothing can be dropped to make it fit. */
export class PromptTooLargeError extends Error {
  constructor(
    readonly tokens: number,
    readonly budget: PromptBudget,
    /** Needed to explain a `contextWindow` budget; unused for `maxPromptTokens`. */
    contextWindow?: number,
  ) {
    super(
      budget.source === 'maxPromptTokens'
        ? l10n.t("This message is about {0} tokens, more than this thread's prompt limit of {1} tokens (maxPromptTokens). Shorten it, remove attachments, or raise the limit.", format(tokens), format(budget.tokens))
        : l10n.t("This message is about {0} tokens, more than the {1} tokens the model's {2}-token context window leaves for the prompt. Shorten it or remove attachments.", format(tokens), format(budget.tokens), format(contextWindow ?? 0)),
    );
    this.name = 'PromptTooLargeError';
  }
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}
