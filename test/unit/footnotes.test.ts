import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { footnote } from '../../src/core/chat/footnotes';
import type { Segment } from '../../src/core/chat/footnotes';

const render = (segments: Segment[]) => segments.map((s) => ('ref' in s ? `[${s.ref}]` : s.text)).join('');

describe('footnote', () => {
  test('an Assistants citation marker becomes [1] and its file is listed once', () => {
    const text = 'Per the notes【4:0†notes.pdf】 and again【4:1†notes.pdf】.';
    const first = text.indexOf('【4:0');
    const second = text.indexOf('【4:1');
    const { segments, references } = footnote(text, [
      { type: 'file_citation', start: first, end: text.indexOf('】') + 1, fileId: 'file-1', filename: 'notes.pdf', quote: 'threads' },
      { type: 'file_citation', start: second, end: text.lastIndexOf('】') + 1, fileId: 'file-1', filename: 'notes.pdf' },
    ]);
    assert.equal(render(segments), 'Per the notes[1] and again[1].');
    assert.deepEqual(references.map((r) => [r.n, r.label]), [[1, 'notes.pdf — “threads”']]);
  });

  test('point citations, URL ranges and generated files get numbers in order of appearance', () => {
    const text = 'See the docs for details, and the chart.';
    const { segments, references } = footnote(text, [
      { type: 'file_path', start: 39, end: 39, fileId: 'file-chart', filename: 'chart.png' },
      { type: 'url_citation', start: 4, end: 12, url: 'https://example.com/docs', title: 'Docs' },
      { type: 'file_citation', start: 24, end: 24, fileId: 'file-2', filename: 'a.md' },
    ]);
    assert.equal(render(segments), 'See the docs[1] for details[2], and the chart[3].');
    assert.deepEqual(references.map((r) => r.label), ['Docs', 'a.md', 'chart.png']);
  });

  test('annotations outside the text or inverted are ignored rather than breaking the reply', () => {
    const { segments, references } = footnote('short', [
      { type: 'file_citation', start: 2, end: 99, fileId: 'x' },
      { type: 'file_citation', start: 3, end: 1, fileId: 'y' },
    ]);
    assert.equal(render(segments), 'short');
    assert.deepEqual(references, []);
  });
});
