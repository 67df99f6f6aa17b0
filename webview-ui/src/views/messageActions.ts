import * as l10n from '@vscode/l10n';
import type { Message } from '../../../src/core/model';
import type { MessageAction } from '../../../src/shared/protocol';
import { el } from '../ui/toolkit';

/** Statuses after which the latest reply is asked for again as "Retry" rather than "Regenerate". */
const RETRY_STATUSES = new Set<Message['status']>(['error', 'cancelled', 'incomplete']);

/**
 * A message's own buttons, shown in its header: Copy on every message, Edit on yours (back into
 * the composer to change and send again), and Retry / Regenerate on replies — the transcript
 * shows that one only on the latest reply (`.message-latest`), the one the host asks again for.
 * The host does the work; these only post the action.
 */
export function messageActionButtons(message: Message, post: (action: MessageAction) => void): HTMLElement {
  const bar = el('span', 'message-actions');
  bar.append(actionButton('copy', l10n.t('Copy message'), 'copy', () => post('copy')));
  if (message.role === 'user') bar.append(actionButton('edit', l10n.t('Edit and send again'), 'edit', () => post('edit')));
  else {
    const retry = RETRY_STATUSES.has(message.status);
    const again = actionButton(retry ? 'retry' : 'regenerate', retry ? l10n.t('Retry this reply') : l10n.t('Regenerate this reply'), retry ? 'debug-restart' : 'refresh', () => post('askAgain'));
    again.classList.add('message-ask-again');
    bar.append(again);
  }
  return bar;
}

/** "1,234 in · 56 out tokens", for a reply's hover; undefined when the server did not say. */
export function usageText(message: Message): string | undefined {
  const usage = message.usage;
  if (!usage) return undefined;
  // In VS Code's display language (the page's lang), as the rest of the panel's text is.
  const n = (value: number) => value.toLocaleString(document.documentElement.lang || undefined);
  const tokens = l10n.t('{0} tokens in · {1} out', n(usage.inputTokens), n(usage.outputTokens));
  return message.model ? `${tokens} · ${message.model}` : tokens;
}

function actionButton(testId: string, label: string, icon: string, onClick: () => void): HTMLButtonElement {
  const button = el('button', 'message-action');
  button.type = 'button';
  button.dataset.testid = `message-${testId}`;
  button.title = label;
  button.setAttribute('aria-label', label);
  const glyph = el('span', `codicon codicon-${icon}`);
  glyph.setAttribute('aria-hidden', 'true');
  button.append(glyph);
  button.addEventListener('click', onClick);
  return button;
}
