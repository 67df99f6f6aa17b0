// Turns a reply's annotations into numbered footnotes: the cited span becomes `[n]`, and each
// distinct source (file or URL) gets one number and one entry in the References list.
import type { Annotation } from '../model';

export interface Reference {
  /** 1-based footnote number. */
  n: number;
  annotation: Annotation;
  /** What the References list shows: file name or page title, and the quote when given. */
  label: string;
}

export type Segment = { text: string } | { ref: number };

export interface Footnoted {
  segments: Segment[];
  references: Reference[];
}

function sourceKey(a: Annotation): string {
  return a.url ? `url:${a.url}` : `file:${a.containerId ?? ''}:${a.fileId ?? ''}:${a.type === 'file_path' ? 'path' : 'cite'}`;
}

function labelOf(a: Annotation): string {
  const name = a.type === 'url_citation' ? (a.title || a.url || 'link') : (a.filename || a.fileId || 'file');
  return a.quote ? `${name} — “${a.quote}”` : name;
}

export function footnote(text: string, annotations: readonly Annotation[] | undefined): Footnoted {
  const valid = (annotations ?? [])
    .filter((a) => Number.isInteger(a.start) && Number.isInteger(a.end) && a.start >= 0 && a.end >= a.start && a.end <= text.length)
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const numbers = new Map<string, number>();
  const references: Reference[] = [];
  const segments: Segment[] = [];
  let cursor = 0;
  for (const a of valid) {
    // Overlapping spans (two citations of one marker) share the first one's place.
    if (a.start < cursor) continue;
    const key = sourceKey(a);
    let n = numbers.get(key);
    if (n === undefined) {
      n = references.length + 1;
      numbers.set(key, n);
      references.push({ n, annotation: a, label: labelOf(a) });
    }
    if (a.start > cursor) segments.push({ text: text.slice(cursor, a.start) });
    // A url_citation's span is the linked words themselves: keep them and add the number.
    if (a.type === 'url_citation' && a.end > a.start) segments.push({ text: text.slice(a.start, a.end) });
    segments.push({ ref: n });
    cursor = a.end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor) });
  return { segments, references };
}
