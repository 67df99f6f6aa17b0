// What a screen reader hears of a streaming reply: its finished sentences, list items and table
// rows as plain words (markdown marks dropped, a code block named rather than read out), put in a
// polite live region a few at a time, so speech follows the reply without a word-by-word flood.
import * as l10n from '@vscode/l10n';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w#+.-]*)/;
/** Marks that open a line: headings, quotes, list bullets and numbers, task boxes. */
const LINE_MARKS = /^\s*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])\s+)*(?:\[[ xX]\]\s+)?/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
/** A sentence ends at . ! ? or … followed by a space (so 3.14 and file.ts do not end one). */
const SENTENCE_END = /[.!?…]["')\]]*\s/g;

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

/** Splits a reply's markdown, as it streams, into the pieces to speak: finished sentences and lines. */
export class SpokenText {
  /** Text of the current line not yet spoken. */
  private pending = '';
  /** Part of the current line was spoken already (its marks are gone, and it is no fence). */
  private midLine = false;
  private fence: string | undefined;

  /** Takes streamed text; returns the pieces it finished. */
  append(text: string): string[] {
    const spoken: string[] = [];
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) {
      this.speakLine(line, spoken);
      this.midLine = false;
    }
    if (!this.fence && !this.pending.includes('|')) this.speakSentences(spoken);
    return spoken;
  }

  /** The stream ended: the rest. */
  finish(): string[] {
    const spoken: string[] = [];
    this.speakLine(this.pending, spoken);
    this.pending = '';
    this.midLine = false;
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
    const rest = this.pending.slice(from);
    let end = 0;
    for (const m of rest.matchAll(SENTENCE_END)) end = m.index + m[0].length;
    if (!end) return;
    const words = plainWords(rest.slice(0, end));
    if (words) spoken.push(words);
    this.pending = rest.slice(end);
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
