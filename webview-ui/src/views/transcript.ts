import type { Message } from '../../../src/core/model';
import { el } from '../ui/toolkit';
import type { MessageBodyActions } from './messageBody';
import { renderMessageBody } from './messageBody';

const ROLE_LABEL = { user: 'You', assistant: 'Assistant' } as const;

/**
 * The conversation. Text is set with textContent only, so model output never becomes markup.
 * A streaming reply appends each delta to one Text node: the cost of a delta is its own length,
 * not the length of the message so far.
 */
export class Transcript {
  readonly element = el('div', 'transcript');
  private readonly empty = el('p', 'transcript-empty', 'Ask anything. Replies stream in here.');
  private streamingText: Text | undefined;
  private bookmarks = new Set<string>();
  private streamingId: string | undefined;

  constructor(private readonly actions: MessageBodyActions) {
    this.element.dataset.testid = 'transcript';
    this.element.setAttribute('role', 'log');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-label', 'Conversation');
    this.element.append(this.empty);
  }

  get isStreaming(): boolean {
    return this.streamingId !== undefined;
  }

  reset(messages: Message[]): void {
    this.streamingText = undefined;
    this.streamingId = undefined;
    this.element.replaceChildren(this.empty, ...messages.map((m) => this.renderMessage(m)));
    this.updateEmpty();
    this.scrollToEnd(true);
  }

  /** Adds a stored message, or replaces the element of one already shown. */
  upsert(message: Message): void {
    const node = this.renderMessage(message);
    const existing = this.find(message.id);
    if (existing) existing.replaceWith(node);
    else this.element.append(node);
    if (message.id === this.streamingId) {
      this.streamingId = undefined;
      this.streamingText = undefined;
    }
    this.updateEmpty();
    this.scrollToEnd(message.role === 'user');
  }

  startStream(messageId: string, textSoFar = ''): void {
    // One element per message: a stream (re)started from a state refresh replaces any copy.
    this.find(messageId)?.remove();
    const node = this.messageShell(messageId, 'assistant', 'streaming');
    this.streamingText = document.createTextNode(textSoFar);
    const text = el('div', 'message-text');
    text.append(this.streamingText);
    node.append(text);
    this.streamingId = messageId;
    this.element.append(node);
    this.updateEmpty();
    this.scrollToEnd(false);
  }

  appendDelta(messageId: string, text: string): void {
    if (messageId !== this.streamingId || !this.streamingText) return;
    const stick = this.isNearEnd();
    this.streamingText.appendData(text);
    if (stick) this.scrollToEnd(true);
  }

  /** The message marked by the last reveal, if it is still shown. */
  get revealedId(): string | undefined {
    return this.element.querySelector<HTMLElement>('.message-revealed')?.dataset.id;
  }

  /** Scrolls `id` into view and marks it until the next reveal. */
  reveal(id: string): void {
    for (const marked of this.element.querySelectorAll('.message-revealed')) marked.classList.remove('message-revealed');
    const node = this.find(id);
    if (!node) return;
    node.classList.add('message-revealed');
    node.scrollIntoView({ block: 'center' });
  }

  messageIds(): string[] {
    return [...this.element.querySelectorAll<HTMLElement>('.message')].map((n) => n.dataset.id ?? '');
  }

  lastText(): string {
    const all = this.element.querySelectorAll('.message .message-text');
    return all.length ? (all[all.length - 1]!.textContent ?? '') : '';
  }

  /** Footnote count of the last message, for the render report. */
  lastReferenceCount(): number {
    const messages = this.element.querySelectorAll('.message');
    return messages.length ? messages[messages.length - 1]!.querySelectorAll('.reference').length : 0;
  }

  private renderMessage(message: Message): HTMLElement {
    const node = this.messageShell(message.id, message.role, message.status);
    const mark = el('button', 'message-bookmark');
    mark.type = 'button';
    mark.dataset.testid = 'bookmark';
    mark.addEventListener('click', () => this.actions.toggleBookmark(message.id));
    node.querySelector('.message-author')!.append(mark);
    node.append(...renderMessageBody(message, this.actions));
    this.showBookmark(node, this.bookmarks.has(message.id));
    return node;
  }

  /** Marks the bookmarked messages (the thread's list, from the host). */
  setBookmarks(ids: readonly string[]): void {
    this.bookmarks = new Set(ids);
    for (const node of this.element.querySelectorAll<HTMLElement>('.message')) this.showBookmark(node, this.bookmarks.has(node.dataset.id ?? ''));
  }

  bookmarkedIds(): string[] {
    return [...this.element.querySelectorAll<HTMLElement>('.message.message-bookmarked')].map((n) => n.dataset.id ?? '');
  }

  private showBookmark(node: HTMLElement, on: boolean): void {
    node.classList.toggle('message-bookmarked', on);
    const mark = node.querySelector<HTMLButtonElement>('.message-bookmark');
    if (!mark) return;
    mark.textContent = on ? '★' : '☆';
    mark.title = on ? 'Remove bookmark' : 'Bookmark this message';
    mark.setAttribute('aria-label', mark.title);
    mark.setAttribute('aria-pressed', String(on));
  }

  private messageShell(id: string, role: Message['role'], status: string): HTMLElement {
    const node = el('div', `message message-${role}`);
    node.dataset.id = id;
    node.dataset.role = role;
    node.dataset.status = status;
    node.setAttribute('role', 'article');
    node.setAttribute('aria-label', ROLE_LABEL[role]);
    node.append(el('div', 'message-author', ROLE_LABEL[role]));
    return node;
  }

  private find(id: string): HTMLElement | undefined {
    return [...this.element.querySelectorAll<HTMLElement>('.message')].find((n) => n.dataset.id === id);
  }

  private updateEmpty(): void {
    this.empty.hidden = this.element.querySelector('.message') !== null;
  }

  private isNearEnd(): boolean {
    const { scrollTop, scrollHeight, clientHeight } = this.element;
    return scrollHeight - scrollTop - clientHeight < 48;
  }

  private scrollToEnd(force: boolean): void {
    if (force || this.isNearEnd()) this.element.scrollTop = this.element.scrollHeight;
  }
}
