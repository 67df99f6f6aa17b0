// OpenAI removed the Assistants API on 2026-08-26; since then api.openai.com answers 404 for
// /assistants and /threads. Said plainly, with the way out, instead of a generic "not found".
import * as l10n from '@vscode/l10n';
import { DialectRetiredError } from '../errors';
import { openai } from '../sdk';

export const assistantsGoneMessage = (): string =>
  l10n.t("OpenAI turned the Assistants API off on 2026-08-26. Switch this thread's backend to Conversations + Responses (Threadline: Choose Backend).");

/** The sentence for a 404 from api.openai.com on an Assistants call; undefined for anything else. */
export function describeAssistantsGone(err: unknown, baseUrl: string): string | undefined {
  if (!(err instanceof openai().APIError) || err.status !== 404) return undefined;
  // A missing model is its own, fixable problem, even on api.openai.com.
  if (err.code === 'model_not_found') return undefined;
  return hostOf(baseUrl) === 'api.openai.com' ? assistantsGoneMessage() : undefined;
}

/** Thrown instead of the 404, so describeError shows the sentence as is (kind 'retired'). */
export class AssistantsApiGoneError extends DialectRetiredError {
  constructor(cause: unknown) {
    super(assistantsGoneMessage(), { cause });
  }
}

function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return undefined;
  }
}
