// What a screen reader hears of a streaming reply: its finished sentences, list items and table
// rows as plain words (markdown marks dropped, a code block named rather than read out), put in a
// polite live region a few at a time, so speech follows the reply without a word-by-word flood.
import * as l10n from '@vscode/l10n';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w#+.-]*)/;
/** Marks that open a line: headings, quotes, list bullets and numbers, task boxes. */
const LINE_MARKS = /^\s*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])\s+)*(?:\[[ xX]\]\s+)?/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
/**
 * A sentence ends at . ! ? or … followed by a space (so 3.14 and file.ts do not end one), with at
 * most MAX_CLOSERS closing quotes or brackets between: a match is never longer than
 * MAX_CLOSERS + 2, so a scan can go on from just before where the last one stopped.
 */
const MAX_CLOSERS = 8;
const SENTENCE_END = new RegExp(`[.!?…]["')\\]]{0,${MAX_CLOSERS}}\\s`, 'g');

/** Inline markdown to the words it shows: links and images by their text, no emphasis or code marks. */
function plainWords(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A table row as its cells, comma-separated. */
function rowWords(line: string): string {
  return line
    .replace(/^\s*\||\|\s*$/g, '')
    .split('|')
    .map(plainWords)
    .filter(Boolean)
    .join(', ');
}

/**
 * Splits a reply's markdown, as it streams, into the pieces to speak: finished sentences and lines.
 * Each delta is looked at once (a long line with no sentence end is not scanned again per delta).
 */
export class SpokenText {
  /** Text of the current line not yet spoken. */
  private pending = '';
  /** Part of the current line was spoken already (its marks are gone, and it is no fence). */
  private midLine = false;
  /** `pending` holds a `|`: the line may be a table row, spoken when it is complete. */
  private pipe = false;
  /** How much of `pending` was searched for a sentence end. */
  private searched = 0;
  private fence: string | undefined;

  /** Takes streamed text; returns the pieces it finished. */
  append(text: string): string[] {
    const spoken: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.speakLine(this.pending + text.slice(from, nl), spoken);
      this.pending = '';
      this.midLine = false;
      this.pipe = false;
      this.searched = 0;
      from = nl + 1;
    }
    const rest = text.slice(from);
    this.pending += rest;
    this.pipe ||= rest.includes('|');
    if (!this.fence && !this.pipe) this.speakSentences(spoken);
    return spoken;
  }

  /** The stream ended: the rest. */
  finish(): string[] {
    const spoken: string[] = [];
    this.speakLine(this.pending, spoken);
    this.pending = '';
    this.midLine = false;
    this.pipe = false;
    this.searched = 0;
    this.fence = undefined;
    return spoken;
  }

  private speakLine(line: string, spoken: string[]): void {
    const fence = FENCE.exec(line);
    if (this.fence) {
      if (fence && fence[1]!.startsWith(this.fence) && !fence[2]) this.fence = undefined;
      return;
    }
    if (fence && !this.midLine) {
      this.fence = fence[1]!;
      spoken.push(fence[2] ? l10n.t('Code block, {0}.', fence[2]) : l10n.t('Code block.'));
      return;
    }
    if (TABLE_DELIMITER.test(line) && line.includes('-')) return;
    const words = line.includes('|') ? rowWords(line) : plainWords(this.midLine ? line : line.replace(LINE_MARKS, ''));
    if (words) spoken.push(words);
  }

  /** Speaks the finished sentences at the start of the line still arriving. */
  private speakSentences(spoken: string[]): void {
    // A line's marks ("1. ", "- ") are left out; a sentence end inside them does not count.
    const from = this.midLine ? 0 : LINE_MARKS.exec(this.pending)![0].length;
    // What was searched before held no sentence end; one may end in what arrived since.
    SENTENCE_END.lastIndex = Math.max(from, this.searched - MAX_CLOSERS - 1);
    let end = 0;
    for (let m = SENTENCE_END.exec(this.pending); m; m = SENTENCE_END.exec(this.pending)) end = m.index + m[0].length;
    this.searched = this.pending.length;
    if (!end) return;
    const words = plainWords(this.pending.slice(from, end));
    if (words) spoken.push(words);
    this.pending = this.pending.slice(end);
    this.searched = this.pending.length;
    this.midLine = true;
  }
}

/** How often, at most, new words go to the live region while a reply streams. */
export const SPEAK_EVERY_MS = 1500;
/** Announcements kept in the region (older ones were read already). */
const KEPT = 4;

/** A polite live region that speaks one streaming reply at a time. */
export class LiveReply {
  readonly element: HTMLElement;
  private text = new SpokenText();
  private queued: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSpoken = -Infinity;

  constructor(doc: Document) {
    this.element = doc.createElement('div');
    this.element.className = 'visually-hidden';
    this.element.dataset.testid = 'live-reply';
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-relevant', 'additions');
  }

  /** A reply starts streaming; `textSoFar` (when the panel opened mid-reply) is not read out. */
  start(textSoFar = ''): void {
    this.stop();
    this.text.append(textSoFar);
  }

  append(delta: string): void {
    const pieces = this.text.append(delta);
    if (!pieces.length) return;
    this.queued.push(...pieces);
    this.timer ??= setTimeout(() => this.speak(), Math.max(0, this.lastSpoken + SPEAK_EVERY_MS - Date.now()));
  }

  /** The reply ended: what is left is spoken now. */
  end(): void {
    this.queued.push(...this.text.finish());
    this.speak();
  }

  /** Drops what was not spoken yet (the thread was switched). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queued = [];
    this.text = new SpokenText();
  }

  private speak(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queued.length) return;
    const line = this.element.ownerDocument.createElement('p');
    line.textContent = this.queued.join(' ');
    this.queued = [];
    this.element.append(line);
    while (this.element.childElementCount > KEPT) this.element.firstElementChild!.remove();
    this.lastSpoken = Date.now();
  }
}
