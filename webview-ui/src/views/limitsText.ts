import type { ContextLimits } from '../../../src/core/model';

/** "prompt ≤ 1000, reply ≤ 50, last 6 messages" — how limits read in the footer and on chips. */
export function limitsText(limits: ContextLimits): string {
  const parts: string[] = [];
  if (limits.maxPromptTokens) parts.push(`prompt ≤ ${limits.maxPromptTokens}`);
  if (limits.maxCompletionTokens) parts.push(`reply ≤ ${limits.maxCompletionTokens}`);
  if (limits.truncation?.type === 'auto') parts.push('truncation auto');
  if (limits.truncation?.type === 'last_messages') parts.push(`last ${limits.truncation.lastMessages} messages`);
  return parts.join(', ');
}
