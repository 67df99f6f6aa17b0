// Citations carry character offsets into the raw reply, which markdown rendering does not keep.
// So each cited span is swapped for a mark before rendering (STX, the number, ETX: control
// characters that markdown treats as plain text and that end a linkified URL), and after
// sanitizing every mark in a Text node becomes the footnote element.
import { footnote } from '../../../src/core/chat/footnotes';
import type { Reference } from '../../../src/core/chat/footnotes';
import type { Annotation } from '../../../src/core/model';

const STX = '\u0002';
const ETX = '\u0003';
const MARK_CHARS = new RegExp(`[${STX}${ETX}]`, 'g');
const MARK = new RegExp(`${STX}(\\d+)${ETX}`, 'g');

const mark = (n: number) => `${STX}${n}${ETX}`;

export interface MarkedText {
  /** The text with each citation replaced by its mark, ready for markdown. */
  source: string;
  references: Reference[];
}

/** The reply text with footnote marks where its annotations were (see core/footnotes.ts). */
export function markFootnotes(text: string, annotations: readonly Annotation[] | undefined): MarkedText {
  const { segments, references } = footnote(text, annotations);
  const source = segments.map((s) => ('ref' in s ? mark(s.ref) : s.text.replace(MARK_CHARS, ''))).join('');
  return { source, references };
}

/** The marked text as plain text, each mark written `[n]` (for text shown as typed). */
export function unmarkFootnotes(source: string): string {
  return source.replace(MARK, '[$1]');
}

/**
 * Replaces the marks in `root`'s text with `make(n)`. Inside code a mark becomes plain `[n]`
 * (code shows text only), inside a link the marker goes just after the link (no button in a link).
 */
export function placeFootnotes(root: DocumentFragment | Element, doc: Document, make?: (n: number) => Node): void {
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const hits: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue?.includes('\u0002')) hits.push(node as Text);
  }
  // Where the next marker for a link goes, so several stay in order after it.
  const afterLink = new Map<Element, ChildNode>();
  for (const text of hits) {
    const parent = text.parentElement;
    const inCode = parent?.closest('code, pre') != null;
    const link = parent?.closest('a') ?? undefined;
    const value = text.nodeValue ?? '';
    const pieces: Node[] = [];
    const after: Node[] = [];
    let cursor = 0;
    for (const m of value.matchAll(MARK)) {
      const n = Number(m[1]);
      if (m.index > cursor) pieces.push(doc.createTextNode(value.slice(cursor, m.index)));
      const marker = inCode || !make ? doc.createTextNode(`[${n}]`) : make(n);
      (link ? after : pieces).push(marker);
      cursor = m.index + m[0].length;
    }
    if (cursor < value.length) pieces.push(doc.createTextNode(value.slice(cursor)));
    text.replaceWith(...pieces);
    if (link && after.length) {
      (afterLink.get(link) ?? link).after(...after);
      afterLink.set(link, after.at(-1) as ChildNode);
    }
  }
}
