// One stored message as a transcript row: its author line (bookmark, the message's own buttons,
// its usage) and its body. The streaming reply's row starts as the same shell (transcript.ts).
import * as l10n from '@vscode/l10n';
import type { Message } from '../../../src/core/model';
import { codicon, el } from '../ui/toolkit';
import type { MessageAction } from '../../../src/shared/protocol';
import { messageActionButtons, usageText } from './messageActions';
import type { MessageBodyActions } from './messageBody';
import { renderMessageBody } from './messageBody';

export interface MessageRowActions extends MessageBodyActions {
  /** A message's own button (copy, edit, ask again). */
  messageAction?(action: MessageAction, messageId: string): void;
}

// A function, not a constant: the strings are looked up after the host's l10n bundle is loaded.
const roleLabel = (role: Message['role']): string => (role === 'user' ? l10n.t('You') : l10n.t('Assistant'));

/** A row with its author line and nothing else yet. */
export function messageShell(id: string, role: Message['role'], status: string): HTMLElement {
  const node = el('div', `message message-${role}`);
  node.dataset.id = id;
  node.dataset.role = role;
  node.dataset.status = status;
  node.setAttribute('role', 'listitem');
  node.setAttribute('aria-label', roleLabel(role));
  node.append(el('div', 'message-author', roleLabel(role)));
  return node;
}

export function renderMessageRow(message: Message, actions: MessageRowActions, bookmarked: boolean): HTMLElement {
  const node = messageShell(message.id, message.role, message.status);
  const mark = el('button', 'message-bookmark');
  mark.type = 'button';
  mark.dataset.testid = 'bookmark';
  mark.addEventListener('click', () => actions.toggleBookmark(message.id));
  const header = node.querySelector<HTMLElement>('.message-author')!;
  header.append(mark, messageActionButtons(message, (action) => actions.messageAction?.(action, message.id)));
  const usage = usageText(message);
  if (usage) {
    // Shown while the header is hovered or one of its buttons has keyboard focus, and read
    // with each of those buttons, so the usage is not for mouse users only.
    const shown = el('span', 'message-usage', usage);
    shown.id = `usage-${message.id}`;
    header.append(shown);
    for (const control of header.querySelectorAll('button')) control.setAttribute('aria-describedby', shown.id);
  }
  node.append(...renderMessageBody(message, actions));
  showBookmark(node, bookmarked);
  return node;
}

export function showBookmark(node: HTMLElement, on: boolean): void {
  node.classList.toggle('message-bookmarked', on);
  const mark = node.querySelector<HTMLButtonElement>('.message-bookmark');
  if (!mark) return;
  mark.replaceChildren(codicon(on ? 'star-full' : 'star-empty'));
  mark.title = on ? l10n.t('Remove bookmark') : l10n.t('Bookmark this message');
  mark.setAttribute('aria-label', mark.title);
  mark.setAttribute('aria-pressed', String(on));
}

/** What the last row shows, for the render report. */
export interface LastRow {
  text: string;
  /** Why it failed or stopped, as shown under it. */
  error: string | undefined;
  /** Its note on messages left out of its context. */
  leftOutNote: string | undefined;
  /** Its footnote count. */
  references: number;
}

export function readRow(node: HTMLElement | undefined): LastRow {
  return {
    text: node?.querySelector('.message-text')?.textContent ?? '',
    error: node?.querySelector('.message-error')?.textContent ?? undefined,
    leftOutNote: node?.querySelector('.message-omitted')?.textContent ?? undefined,
    references: node?.querySelectorAll('.reference').length ?? 0,
  };
}
