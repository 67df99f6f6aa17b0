// What each dialect accepts as a token limit, checked when the user types one, so a limit the
// server would refuse never reaches a send.
import type { BackendKind } from '../model';

/** Assistants v2 refuses a run whose max_prompt_tokens or max_completion_tokens is below this. */
export const ASSISTANTS_MIN_TOKEN_LIMIT = 256;

/** The smallest token limit `dialect` accepts as given (others raise small ones themselves). */
export function minTokenLimit(dialect: BackendKind): number {
  return dialect === 'assistants' ? ASSISTANTS_MIN_TOKEN_LIMIT : 1;
}

/** Why a typed token limit cannot be used: not a whole number above 0, or below the dialect's minimum. */
export type TokenLimitProblem = { kind: 'notANumber' } | { kind: 'belowMinimum'; min: number };

/**
 * Why `input` cannot be a token limit for a thread of `dialect`; undefined when it can (an empty
 * answer means "no limit"). The host puts the reason into words.
 */
export function tokenLimitProblem(input: string, dialect: BackendKind): TokenLimitProblem | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  if (!/^[1-9]\d*$/.test(text)) return { kind: 'notANumber' };
  const min = minTokenLimit(dialect);
  return Number(text) < min ? { kind: 'belowMinimum', min } : undefined;
}
