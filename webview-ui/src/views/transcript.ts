import * as l10n from '@vscode/l10n';
import type { Message, MessageStatus } from '../../../src/core/model';
import type { AnswerTo } from '../../../src/shared/protocol';
import { nextFrame } from '../render/streamingMarkdown';
import type { RequestSlot, Requests } from '../requests';
import { codicon, el } from '../ui/toolkit';
import { estimateHeight } from '../virtual/estimate';
import { LoadedWindow } from '../virtual/loadedWindow';
import { NodeCache } from '../virtual/nodeCache';
import { VirtualList } from '../virtual/virtualList';
import { LiveReply } from './liveReply';
import type { LastRow, MessageRowActions } from './messageRow';
import { readRow, renderMessageRow, showBookmark } from './messageRow';
import type { StreamingRowActions } from './streamingRow';
import { StreamingRow } from './streamingRow';

/**
 * What the live region says when a reply ends (one short line, not the reply itself). A function,
 * not a constant: the strings are looked up after the host's l10n bundle is loaded.
 */
const ended = (status: MessageStatus): string =>
  ({ complete: l10n.t('Reply finished.'), cancelled: l10n.t('Reply stopped.'), incomplete: l10n.t('Reply cut short.'), error: l10n.t('Reply failed.') })[status];

/** Messages held in the panel at most; beyond, the far end is let go and reloads when scrolled back to. */
export const MAX_LOADED = 2000;
/**
 * A thread this short is drawn whole: the browser's find, a screen reader's list navigation and
 * text selection then see every message, and drawing this many costs little.
 */
export const DRAW_ALL_UP_TO = 60;
/** "Jump to latest" shows once the view is this far above the end. */
const AWAY_FROM_END_PX = 120;

export interface TranscriptActions extends MessageRowActions, StreamingRowActions {}

type Page = AnswerTo<'loadOlder'>;

/**
 * The conversation, as a virtualized list of messages. The panel holds a run of the thread's
 * messages (the newest page when a thread opens; older pages are asked for as the user scrolls
 * up, at most MAX_LOADED held) and draws only those near the viewport (virtual/virtualList.ts).
 * One page request at a time goes out for each end, and one for a page around a message; a request
 * the host does not answer in time goes again when the user scrolls (or jumps) again.
 * Replies are markdown, rendered and sanitized (render/markdown.ts). A streaming reply is drawn
 * at most once per frame, and only its open tail block is drawn again
 * (render/streamingMarkdown.ts), so a delta costs the same at the end of a long reply as at its
 * start; its element stays drawn wherever the view is. Screen readers hear the reply's finished
 * sentences a few at a time (views/liveReply.ts), then "Reply finished", never every delta.
 */
export class Transcript {
  readonly element = el('div', 'transcript-frame');
  private readonly scroller = el('div', 'transcript');
  private readonly list = el('div', 'transcript-list');
  private readonly announcer = el('div', 'visually-hidden');
  private readonly spoken = new LiveReply(document);
  private readonly empty = el('p', 'transcript-empty', l10n.t('Ask anything. Replies stream in here.'));
  private readonly jump = el('button', 'transcript-jump');
  private readonly held = new LoadedWindow<Message>(MAX_LOADED);
  private readonly kept = new NodeCache();
  private readonly estimates = new WeakMap<Message, { width: number; height: number }>();
  private readonly rows: VirtualList;
  private stream: StreamingRow | undefined;
  private bookmarks = new Set<string>();
  private leftOut = new Set<string>();
  private revealed: string | undefined;
  private focusedId: string | undefined;
  private scrollQueued = false;
  private readonly olderPages: RequestSlot<'loadOlder'>;
  private readonly newerPages: RequestSlot<'loadNewer'>;
  /** A page replacing what is held: around a message to reveal, or the newest. */
  private readonly aroundPages: RequestSlot<'revealMessage' | 'loadLatest'>;

  constructor(
    private readonly actions: TranscriptActions,
    requests: Requests,
  ) {
    this.olderPages = requests.slot();
    this.newerPages = requests.slot();
    this.aroundPages = requests.slot();
    this.element.dataset.testid = 'transcript';
    this.list.setAttribute('role', 'list');
    this.list.setAttribute('aria-label', l10n.t('Conversation'));
    this.announcer.setAttribute('role', 'status');
    this.announcer.setAttribute('aria-live', 'polite');
    this.jump.type = 'button';
    this.jump.dataset.testid = 'jump-latest';
    this.jump.append(codicon('arrow-down'), ` ${l10n.t('Jump to latest')}`);
    this.jump.hidden = true;
    this.jump.addEventListener('click', () => this.jumpToLatest());
    this.scroller.append(this.empty, this.list);
    this.element.append(this.scroller, this.jump, this.spoken.element, this.announcer);
    this.rows = new VirtualList(
      this.scroller,
      this.list,
      {
        count: () => this.rowCount,
        keyAt: (i) => this.keyAt(i),
        estimate: (i) => this.estimate(i),
        mount: (key) => this.mount(key),
        unmount: (key, node) => {
          if (key !== this.stream?.id) this.kept.keep(key, node);
        },
        pinned: () => this.pinnedRows(),
        place: (node, index) => this.place(node, index),
      },
      () => this.afterUpdate(),
      { drawAllUpTo: DRAW_ALL_UP_TO },
    );
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // The row holding focus stays drawn, so keyboard users never lose their place.
    this.list.addEventListener('focusin', (e) => {
      this.focusedId = (e.target as Element).closest<HTMLElement>('.message')?.dataset.id;
    });
    this.list.addEventListener('focusout', (e) => {
      if (!this.list.contains(e.relatedTarget as Node | null)) this.focusedId = undefined;
    });
  }

  get isStreaming(): boolean {
    return this.stream !== undefined;
  }

  /** The thread's messages (or, with `hasOlder`, its newest page), replacing what was shown. */
  reset(messages: Message[], hasOlder = false): void {
    // Pages asked for at the ends of what was held no longer fit; a page around a message still
    // shows it (one of another thread is not passed on: see App).
    this.olderPages.drop();
    this.newerPages.drop();
    this.stopStreaming();
    this.spoken.stop();
    this.kept.clear();
    this.revealed = undefined;
    this.held.reset(messages, hasOlder);
    this.forgetHeights();
    this.rows.refresh('end');
    this.updateEmpty();
  }

  /** The page before (or after) what is held, unless the held run moved meanwhile: then what is needed now is asked for. */
  private edgePage({ accepted, dropped }: { accepted: boolean; dropped: Message[] }): void {
    if (accepted) {
      this.let(dropped);
      this.rows.refresh();
      this.updateEmpty();
    } else {
      this.loadIfNear();
    }
  }

  /** A run of messages replacing what is held: around `revealId`, or the newest with none. */
  private aroundPage(page: Page, revealId: string | undefined): void {
    this.olderPages.drop();
    this.newerPages.drop();
    this.kept.clear();
    this.held.reset(page.messages, page.hasOlder, page.hasNewer);
    this.forgetHeights();
    const at = revealId === undefined ? -1 : this.held.indexOf(revealId);
    if (at !== -1) this.revealed = revealId;
    this.rows.refresh(at === -1 ? 'end' : at);
    this.updateEmpty();
  }

  /** Adds a stored message, or replaces one already held. */
  upsert(message: Message): void {
    const endsStream = message.id === this.stream?.id;
    if (endsStream) this.stopStreaming();
    const { change, dropped } = this.held.upsert(message);
    if (endsStream) {
      this.spoken.end();
      this.announce(ended(message.status));
    }
    if (change === 'ignored') {
      // The newest messages are not held: the user's own message brings them back.
      if (message.role === 'user') this.jumpToLatest();
      this.afterUpdate();
      return;
    }
    this.kept.delete(message.id);
    this.rows.replace(message.id);
    this.let(dropped);
    this.rows.refresh(message.role === 'user' && change === 'appended' ? 'end' : undefined);
    this.updateEmpty();
  }

  startStream(messageId: string, textSoFar = ''): void {
    this.stopStreaming();
    // One row per message: a stream (re)started from a state refresh replaces a stored copy.
    if (this.held.has(messageId)) this.held.reset(this.held.items.filter((m) => m.id !== messageId), this.held.hasOlder, this.held.hasNewer);
    this.rows.replace(messageId);
    this.kept.delete(messageId);
    this.stream = new StreamingRow(messageId, textSoFar, this.actions);
    this.spoken.start(textSoFar);
    this.rows.refresh();
    this.updateEmpty();
  }

  /** Queues streamed text; it is drawn with the next frame (the reply's first text at once). */
  appendDelta(messageId: string, text: string): void {
    if (messageId !== this.stream?.id) return;
    // Drawn outside a frame: the row is measured at once, so a view at the end stays there.
    if (this.stream.append(text)) this.rows.measure(messageId);
    this.spoken.append(text);
  }

  /** Ends the stream's drawing; its row goes with the caller's next refresh. */
  private stopStreaming(): void {
    const stream = this.stream;
    if (!stream) return;
    stream.dispose();
    // Let go while still the stream, so its element is not kept for the stored message's row.
    this.rows.replace(stream.id);
    this.stream = undefined;
  }

  private announce(text: string): void {
    // Cleared first, so the same words are announced again for the next reply.
    this.announcer.textContent = '';
    setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  /** The message marked by the last reveal, if it is held. */
  get revealedId(): string | undefined {
    return this.revealed !== undefined && this.held.has(this.revealed) ? this.revealed : undefined;
  }

  /**
   * Scrolls `id` into view and marks it until the next reveal ("jump to message"). A message not
   * held is asked for: the host answers with a page around it, which reveals it.
   */
  reveal(id: string): void {
    this.revealed = id;
    const index = this.held.indexOf(id);
    if (index === -1) {
      this.aroundPages.send({ type: 'revealMessage', messageId: id }, { answered: (page) => this.aroundPage(page, id) });
      this.rows.update();
      return;
    }
    this.rows.scrollToIndex(index);
  }

  /** Scrolls to the newest message, asking for the newest page first when it is not held. */
  jumpToLatest(): void {
    if (this.held.hasNewer) this.aroundPages.send({ type: 'loadLatest' }, { answered: (page) => this.aroundPage(page, undefined) });
    else this.rows.scrollToEnd();
  }

  /** Ids of the messages held, in order, with a reply that is streaming at the end. */
  messageIds(): string[] {
    const ids = this.held.items.map((m) => m.id);
    if (this.streamShown) ids.push(this.stream!.id);
    return ids;
  }

  /** Message elements in the DOM now. */
  get mounted(): number {
    return this.list.querySelectorAll('.message').length;
  }

  /** Whether older messages exist beyond those held, and newer ones (for tests and the report). */
  get paging(): { hasOlder: boolean; hasNewer: boolean; loaded: number } {
    return { hasOlder: this.held.hasOlder, hasNewer: this.held.hasNewer, loaded: this.held.length };
  }

  /** What the last row shows (the streaming reply while one is shown). */
  lastRow(): LastRow {
    return readRow(this.lastNode());
  }

  /** The element of the last row: drawn, kept, or drawn now (not put in the list). */
  private lastNode(): HTMLElement | undefined {
    if (this.streamShown) return this.stream!.node;
    const last = this.held.items.at(-1);
    if (!last) return undefined;
    const node = this.rows.nodeOf(last.id) ?? this.kept.peek(last.id) ?? this.renderMessage(last);
    if (!node.isConnected) this.kept.keep(last.id, node);
    return node;
  }

  /** Marks the messages the next run will leave out (from the context gauge; the newest few only). */
  setLeftOut(ids: readonly string[]): void {
    this.leftOut = new Set(ids);
    for (const node of [...this.list.querySelectorAll<HTMLElement>('.message'), ...this.kept.values()]) node.classList.toggle('message-left-out', this.leftOut.has(node.dataset.id ?? ''));
  }

  /** Marks the bookmarked messages (the thread's list, from the host). */
  setBookmarks(ids: readonly string[]): void {
    this.bookmarks = new Set(ids);
    for (const node of [...this.list.querySelectorAll<HTMLElement>('.message'), ...this.kept.values()]) showBookmark(node, this.bookmarks.has(node.dataset.id ?? ''));
  }

  bookmarkedIds(): string[] {
    return this.held.items.filter((m) => this.bookmarks.has(m.id)).map((m) => m.id);
  }

  /** Attachment chips marked as changed or missing since attached, for the render report. */
  attachmentMarks(): { messageId: string; name: string; state: string }[] {
    return this.held.items.flatMap((m) =>
      m.content.flatMap((p) => (p.type === 'file' && p.sourceState ? [{ messageId: m.id, name: p.name, state: p.sourceState }] : [])),
    );
  }

  // ---- rows ----

  /** The streaming reply is a row after the held messages, when the newest messages are held. */
  private get streamShown(): boolean {
    return this.stream !== undefined && !this.held.hasNewer;
  }

  private get rowCount(): number {
    return this.held.length + (this.streamShown ? 1 : 0);
  }

  private keyAt(index: number): string {
    return this.held.items[index]?.id ?? this.stream!.id;
  }

  private estimate(key: string): number {
    const message = this.held.items[this.held.indexOf(key)];
    if (!message) return Math.max(60, this.stream?.node.offsetHeight ?? 0);
    const width = this.rows?.virtualizer.scrollRect?.width || this.scroller.clientWidth;
    const cached = this.estimates.get(message);
    if (cached && cached.width === width) return cached.height;
    const height = estimateHeight(message, width);
    this.estimates.set(message, { width, height });
    return height;
  }

  private mount(key: string): HTMLElement {
    if (key === this.stream?.id) return this.stream.node;
    const kept = this.kept.take(key);
    if (kept) return kept;
    return this.renderMessage(this.held.items[this.held.indexOf(key)]!);
  }

  private pinnedRows(): number[] {
    const rows: number[] = [];
    if (this.streamShown) rows.push(this.held.length);
    if (this.focusedId !== undefined) {
      const index = this.held.indexOf(this.focusedId);
      if (index !== -1) rows.push(index);
    }
    return rows;
  }

  /** Position in the set (unknown while older messages are not held), and the reveal mark. */
  private place(node: HTMLElement, index: number): void {
    const whole = !this.held.hasOlder && !this.held.hasNewer;
    node.setAttribute('aria-setsize', whole ? String(this.rowCount) : '-1');
    if (this.held.hasOlder) node.removeAttribute('aria-posinset');
    else node.setAttribute('aria-posinset', String(index + 1));
    node.classList.toggle('message-revealed', node.dataset.id === this.revealed);
    // Retry / Regenerate ask again for the latest reply only (see messageActions.ts).
    node.classList.toggle('message-latest', !this.held.hasNewer && index === this.held.length - 1);
    node.classList.toggle('message-left-out', this.leftOut.has(node.dataset.id ?? ''));
  }

  /** Messages let go at the far end: their elements and heights are not kept. */
  private let(dropped: readonly Message[]): void {
    for (const m of dropped) this.kept.delete(m.id);
    if (dropped.length) this.forgetHeights();
  }

  private forgetHeights(): void {
    this.rows.forgetHeights((key) => this.held.has(key) || key === this.stream?.id);
  }

  private afterUpdate(): void {
    const away = this.held.hasNewer || this.rows.distanceFromEnd() > AWAY_FROM_END_PX;
    this.jump.hidden = !away || this.rowCount === 0;
    this.jump.classList.toggle('transcript-jump-streaming', away && this.stream !== undefined);
    this.jump.setAttribute('aria-label', this.stream ? l10n.t('Jump to latest (a reply is streaming)') : l10n.t('Jump to latest'));
    this.loadIfNear();
  }

  private onScroll(): void {
    this.rows.noteEnd();
    if (this.scrollQueued) return;
    this.scrollQueued = true;
    nextFrame(() => {
      this.scrollQueued = false;
      this.afterUpdate();
    });
  }

  /** Asks for the next page once the view is within a screen and a half of either end held. */
  private loadIfNear(): void {
    const height = this.scroller.clientHeight;
    if (height === 0 || this.held.length === 0) return;
    const margin = height * 1.5;
    const beforeId = this.held.olderBoundary;
    if (beforeId !== undefined && !this.olderPages.waiting && this.scroller.scrollTop < margin) {
      this.olderPages.send({ type: 'loadOlder', beforeId }, { answered: (page) => this.edgePage(this.held.prepend(page.messages, page.hasOlder, beforeId)) });
    }
    const afterId = this.held.newerBoundary;
    if (afterId !== undefined && !this.newerPages.waiting && this.rows.distanceFromEnd() < margin) {
      this.newerPages.send({ type: 'loadNewer', afterId }, { answered: (page) => this.edgePage(this.held.append(page.messages, page.hasNewer, afterId)) });
    }
  }

  private renderMessage(message: Message): HTMLElement {
    return renderMessageRow(message, this.actions, this.bookmarks.has(message.id));
  }

  private updateEmpty(): void {
    this.empty.hidden = this.rowCount > 0;
  }
}
