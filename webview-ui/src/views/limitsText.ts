import * as l10n from '@vscode/l10n';
import type { ContextLimits } from '../../../src/core/model';

/** "prompt ≤ 1000, reply ≤ 50, last 6 messages" — how limits read in the footer and on chips. */
export function limitsText(limits: ContextLimits): string {
  const parts: string[] = [];
  if (limits.maxPromptTokens) parts.push(l10n.t('prompt ≤ {0}', limits.maxPromptTokens));
  if (limits.maxCompletionTokens) parts.push(l10n.t('reply ≤ {0}', limits.maxCompletionTokens));
  if (limits.truncation?.type === 'auto') parts.push(l10n.t('truncation auto'));
  if (limits.truncation?.type === 'last_messages') parts.push(l10n.t('last {0} messages', limits.truncation.lastMessages));
  return parts.join(', ');
}
