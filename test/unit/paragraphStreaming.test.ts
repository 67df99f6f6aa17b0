// Streaming one long paragraph (render/openParagraph.ts): its older text is rendered once, in
// pieces cut at spaces where nothing can change any more, and only the rest is rendered again on
// each frame. The pieces must add up to the one-shot render of the text so far whatever inline
// markdown is around a cut and however the text is chunked, and a frame's work must not grow with
// the paragraph. Work is counted in characters given to the renderer and to the probe, never timed.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import { inlineClosed, renderMarkdown } from '../../webview-ui/src/render/markdown';
import { PART_CHARS, startsParagraph } from '../../webview-ui/src/render/openParagraph';
import { StreamingMarkdown } from '../../webview-ui/src/render/streamingMarkdown';
import { manualFrames, playChunks, random, streamedHtml } from './fakes/streaming';

const { window: jsdomWindow } = new JSDOM('<!doctype html><html><body></body></html>');
const window = jsdomWindow as unknown as Window;
const document = window.document;

const oneShotHtml = (markdown: string) => [...renderMarkdown(markdown, window).children].map((e) => e.outerHTML).join('');
/** What `markdown` holds as HTML, when it renders as one paragraph. */
function paragraphHtml(markdown: string): string | undefined {
  const [first, ...rest] = renderMarkdown(markdown, window).children;
  return first?.tagName === 'P' && !rest.length ? first.innerHTML : undefined;
}

/** Words that are plain text or a whole inline construct: every kind markdown-it has, some spanning spaces. */
const WORDS = [
  'plain', 'words', 'here', 'and', 'Über', 'naïve', 'x', '—', 'end.', '(aside)', 'file_name.ts', 'a*b', '2*3', '5 * 4', '__init__',
  '**bold**', '**bold with spaces**', '*em*', '_em_', '_em with spaces_', '***both***', '~~struck~~', '~~struck words~~', '~single~',
  '`code`', '`code with spaces`', '``a ` b``', '`*not em*`', '[link](https://example.com/a)', '[link text](https://example.com/b "a title")',
  '[pointy](<https://example.com/c d>)', '[refused](command:quit)', '[1]', '[2][3]', '![img](data:image/png;base64,iVBORw0KGgo=)',
  '![alt text](https://tracker.example/p.png)', '<https://auto.example/x>', '<mail@example.com>', 'https://bare.example/path.', 'www.example.org,',
  'someone@example.com', '&amp;', '&copy;', '&#35;', '&nosuch;', '\\*', '\\[', '\\`', '\\', '<b>html</b>', '\u00021\u0003', '**[bold link](https://example.com/e)**',
];
/** The words that leave nothing open (not `2*3`, whose star may still pair with a later one). */
const CLOSED_WORDS = WORDS.filter((word) => inlineClosed(word));
/** Constructs left open: later text may pair with them (or never does). */
const OPENERS = ['*', '**', '_', '`', '``', '[', '[x](', '![a](', '~~', '<https://x', '[a](b "t'];
/** Lines that end or change a paragraph: the block is then drawn whole. */
const BREAKERS = ['\n# heading', '\n===', '\n---', '\n> quote', '\n - item', '\n 1) x', '\n| a | b |\n|---|---|', '\n\n    code', '\nx\r# y'];
/** What goes between words: mostly a space, sometimes a line break of one kind or another. */
const JOINS = [' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', '  ', '\t', '\n', '  \n', '\\\n', ' \n '];

interface Mix {
  words: number;
  vocabulary?: readonly string[];
  openers?: number;
  breakers?: number;
  joins?: readonly string[];
}

/** A paragraph of random words; it starts with a letter, as a paragraph does. */
function paragraph(next: () => number, { words, vocabulary = WORDS, openers = 0, breakers = 0, joins = JOINS }: Mix): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  let text = 'Start';
  for (let i = 0; i < words; i++) {
    const roll = next();
    if (roll < breakers) text += pick(BREAKERS);
    text += pick(joins);
    text += roll < breakers + openers ? `${pick(OPENERS)}word` : pick(vocabulary);
  }
  return text;
}

/** Streams `text` in random chunks, a frame every few; counts the characters each frame renders and probes. */
function stream(text: string, seed: number, { max = 12, check }: { max?: number; check?: (container: HTMLElement, sent: string) => void } = {}) {
  const container = document.createElement('div');
  const frames = manualFrames();
  const rendered: number[] = [];
  const probed: number[] = [];
  let renderChars = 0;
  let probeChars = 0;
  const view = new StreamingMarkdown(container, {
    render: (md) => {
      renderChars += md.length;
      return renderMarkdown(md, window);
    },
    inlineClosed: (md) => {
      probeChars += md.length;
      return inlineClosed(md);
    },
    schedule: frames.schedule,
    afterDraw: () => {
      rendered.push(renderChars);
      probed.push(probeChars);
      renderChars = probeChars = 0;
    },
  });
  playChunks(view, frames, text, seed, { max, afterFrame: (sent) => check?.(container, sent) });
  return { container, rendered, probed };
}

describe('inlineClosed', () => {
  test('finds what later text could still close', () => {
    for (const open of ['a `b', '**a', 'a *b', '2*3', '_a', '~~a', '[a', '[a](https://x.y', '[a](<b c', '[a](b "c', '![a](b', 'a ``b` c', '[a `b] c'])
      assert.equal(inlineClosed(open), false, open);
    for (const closed of ['a `b` c', '**a**', 'a * b', 'snake_case', '[1] and [2]', '[a](https://x.y)', '[a] (b)', '<http://x.y>', '&amp; \\*', 'a ~ b', '`a` `` b ``', 'a\nb'])
      assert.equal(inlineClosed(closed), true, closed);
  });

  test('closed text renders the same followed by a space and any text as alone (random pairs)', () => {
    const next = random(11);
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const mix = { words: Math.floor(next() * 10), openers: 0.15, joins: [' ', ' ', ' ', '\n'] };
      const [before, after] = [paragraph(next, mix), paragraph(next, mix)];
      const whole = paragraphHtml(`${before} ${after}`);
      const [first, second] = [paragraphHtml(before), paragraphHtml(after)];
      // Pairs that are not one paragraph (an opener at a line's start made a list item) are the block rules' business.
      if (!inlineClosed(before) || whole === undefined || first === undefined || second === undefined) continue;
      compared++;
      assert.equal(whole, `${first} ${second}`, JSON.stringify([before, after]));
    }
    assert.ok(compared > 130, `only ${compared} of 400 pairs were compared`);
  });
});

describe('startsParagraph', () => {
  test('tells a paragraph by its first word, once that word is complete', () => {
    const cases: [string, boolean, boolean | undefined][] = [
      ['Hello', false, undefined], ['Hello ', false, true], ['Hello', true, true], ['**Bold** text', false, true], ['1.5 million', false, true],
      ['#hashtag x', false, true], ['`code` x', false, true], ['- item', false, false], ['1. one', false, false], ['# Title', false, false],
      ['> quote', false, false], ['```js', true, false], ['***', true, false], ['_ _ _', true, false], ['+ x', false, false], ['  indented', false, false],
      ['[a](b) c', false, true], ['[1] says', false, true], ['[a]: https://x.y', false, false], ['[a [b] c', false, true], ['[a', false, undefined],
      ['[a]', false, undefined], ['[a]', true, true], ['[label going on', true, false],
    ];
    for (const [line, complete, expected] of cases) assert.equal(startsParagraph(line, complete), expected, `${JSON.stringify(line)} (complete: ${complete})`);
  });
});

describe('StreamingMarkdown: one long paragraph', () => {
  test('at every frame the paragraph equals a one-shot render of the text so far (random markdown, random chunks)', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const text = paragraph(random(seed), { words: 250, vocabulary: seed % 2 ? CLOSED_WORDS : WORDS, openers: 0.003, breakers: seed === 3 ? 0.004 : 0 });
      const check = (container: HTMLElement, sent: string) => assert.equal(streamedHtml(container), oneShotHtml(sent), `seed ${seed} at ${sent.length}`);
      const { container, probed } = stream(text, seed, { max: 40, check });
      assert.equal(streamedHtml(container), oneShotHtml(text), `seed ${seed}`);
      if (seed === 1) assert.ok(probed.some((n) => n > 0), 'the paragraph was never cut');
    }
  });

  test('the final DOM equals a one-shot render, for many texts and chunkings', () => {
    for (let seed = 7; seed <= 22; seed++) {
      const next = random(seed);
      const text = `${seed % 4 ? '' : 'Intro.\n\n'}${paragraph(next, { words: 150 + Math.floor(next() * 250), openers: next() * 0.02, breakers: seed % 5 ? 0 : 0.003 })}`;
      const { container } = stream(text, seed, { max: 8 + Math.floor(next() * 200) });
      assert.equal(streamedHtml(container), oneShotHtml(text), `seed ${seed}`);
    }
  });

  for (const [shape, joins] of [['on one line', [' ']], ['with line breaks', [' ', ' ', ' ', ' ', ' ', ' ', '\n', '  \n']]] as const) {
    test(`a frame renders and probes as much near the end of a 60 KB paragraph ${shape} as near its start`, () => {
      const next = random(3);
      let text = '';
      while (text.length < 60_000) text += `${paragraph(next, { words: 20, vocabulary: CLOSED_WORDS, joins })}.${joins[0]}`;
      const { container, rendered, probed } = stream(text, 5, { max: 130 });
      const work = rendered.map((n, i) => n + probed[i]!);
      // A frame renders the unsettled tail (under 1 KB and what arrived), and when it settles part of it, that part twice.
      assert.ok(Math.max(...work) < 4096, `a frame rendered and probed ${Math.max(...work)} characters`);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const [early, late] = [mean(work.slice(20, 220)), mean(work.slice(-200))];
      assert.ok(late < 1.3 * early, `late frames do more than early ones (${late} vs ${early} characters on average)`);
      assert.equal(streamedHtml(container), oneShotHtml(text));
      // Laid out in parts of at most PART_CHARS characters, so a frame's layout does not grow either.
      const parts = [...container.querySelectorAll('.markdown-tail > p')];
      if (shape === 'on one line') {
        assert.ok(parts.length >= 60_000 / PART_CHARS - 1, `${parts.length} parts`);
        assert.ok(parts.every((part) => (part.textContent ?? '').length <= PART_CHARS + 4096), 'a part holds more than its share');
      }
    });
  }

  test('a long paragraph that arrives in one delta (a panel opened mid-reply) is laid out in parts too, then follows on in new parts', () => {
    const next = random(11);
    let text = '';
    while (text.length < 100_000) text += `${paragraph(next, { words: 20, vocabulary: CLOSED_WORDS, joins: [' '] })}. `;
    const container = document.createElement('div');
    const frames = manualFrames();
    const view = new StreamingMarkdown(container, { render: (md) => renderMarkdown(md, window), schedule: frames.schedule });
    view.append(text);
    frames.frame();
    const partsOf = () => [...container.querySelectorAll('.markdown-tail > p')];
    assert.ok(partsOf().length >= 100_000 / PART_CHARS, `${partsOf().length} parts`);
    assert.ok(partsOf().every((part) => (part.textContent ?? '').length <= PART_CHARS + 1024), 'a part holds more than its share');
    assert.equal(streamedHtml(container), oneShotHtml(text));
    let more = '';
    for (let i = 0; i < 300; i++) {
      const word = ` word${i}`;
      more += word;
      view.append(word);
      frames.frame();
    }
    // The part holding the tail stays short: a frame's layout does not cover the first delta's text.
    assert.ok((partsOf().at(-1)!.textContent ?? '').length <= PART_CHARS + 1024);
    assert.equal(streamedHtml(container), oneShotHtml(text + more));
  });

  test('after a long paragraph, the next one is drawn without the first', () => {
    const first = paragraph(random(8), { words: 3000, vocabulary: CLOSED_WORDS, joins: [' '] });
    const { rendered } = stream(`${first}\n\nNext ${'word '.repeat(400)}`, 2, { max: 60 });
    // The frame that finishes the first paragraph renders it whole, once; none of the others comes near.
    assert.equal(rendered.filter((n) => n >= first.length).length, 1);
    const others = rendered.slice(-50).filter((n) => n < first.length);
    assert.ok(others.every((n) => n < 2048), `late frames rendered up to ${Math.max(...others)} characters`);
  });

  test('an opener that never closes keeps the rest unsettled, and the paragraph stays exact', () => {
    const text = `Start 2*3 ${'and more words '.repeat(300)}then a star* at last`;
    const { container, rendered } = stream(text, 4, { max: 60 });
    assert.equal(streamedHtml(container), oneShotHtml(text));
    assert.match(container.querySelector('em')?.textContent ?? '', /^3 and more words/);
    // Nothing after the opener settled: late frames render most of the paragraph.
    assert.ok(Math.max(...rendered.slice(-10)) > text.length / 2);
  });

  test('a paragraph that becomes a heading, a list or a table is drawn whole and exactly, at every character of the change', () => {
    const long = paragraph(random(9), { words: 200, vocabulary: CLOSED_WORDS, joins: [' '] });
    for (const turn of ['\n===', '\n---', '\n - item', '\n**bold** then', '\n1. a list', '\n2. not a list', '\n-1 degrees', '\n| a | b |\n|---|---|\n| 1 | 2 |', '\n# Title\nafter', '\n\n    code', '\n> quote']) {
      const container = document.createElement('div');
      const frames = manualFrames();
      const view = new StreamingMarkdown(container, { render: (md) => renderMarkdown(md, window), schedule: frames.schedule });
      view.append(long);
      frames.frame();
      for (let i = 1; i <= turn.length; i++) {
        view.append(turn[i - 1]!);
        frames.frame();
        assert.equal(streamedHtml(container), oneShotHtml(long + turn.slice(0, i)), `${JSON.stringify(turn)} at ${i}`);
      }
    }
  });
});
