// Streaming replies: the block splitter (same blocks however the text is chunked, fences kept
// whole, each block rendering alone as it does in the whole reply) and the streaming view (one
// draw per frame, finished blocks drawn once, per-frame work bounded by what arrived rather than
// the reply so far, even inside a long code fence, list or table).
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import { renderMarkdown } from '../../webview-ui/src/render/markdown';
import { BlockSplitter, splitBlocks } from '../../webview-ui/src/render/streamingBlocks';
import { StreamingMarkdown } from '../../webview-ui/src/render/streamingMarkdown';
import { chunks, manualFrames, playChunks, random, streamedHtml } from './fakes/streaming';

const { window: jsdomWindow } = new JSDOM('<!doctype html><html><body></body></html>');
const window = jsdomWindow as unknown as Window;
const document = window.document;

const REPLY = [
  '# Plan',
  '',
  'First a paragraph with **bold** and `code`,',
  'over two lines.',
  '',
  '- one',
  '- two',
  '',
  '    indented continuation of the list',
  '',
  '```ts',
  'function f() {',
  '',
  '',
  '  return 1;',
  '}',
  '```',
  '',
  '~~~',
  'tilde fence',
  '',
  '```',
  'still inside the tilde fence',
  '~~~',
  '',
  '````md',
  '```',
  '',
  'a fence in a fence',
  '```',
  '````',
  '',
  '> a quote',
  '',
  'The end.',
].join('\n');

describe('BlockSplitter', () => {
  test('splits at blank lines outside fences, keeping fences with blank lines whole', () => {
    assert.deepEqual(splitBlocks(REPLY), [
      '# Plan',
      'First a paragraph with **bold** and `code`,\nover two lines.',
      '- one\n- two\n\n    indented continuation of the list',
      '```ts\nfunction f() {\n\n\n  return 1;\n}\n```',
      '~~~\ntilde fence\n\n```\nstill inside the tilde fence\n~~~',
      '````md\n```\n\na fence in a fence\n```\n````',
      '> a quote',
      'The end.',
    ]);
  });

  test('text appended in random chunk sizes gives the same blocks as the whole text at once', () => {
    const whole = splitBlocks(REPLY);
    for (let seed = 1; seed <= 200; seed++) {
      const splitter = new BlockSplitter();
      const blocks: string[] = [];
      for (const chunk of chunks(REPLY, random(seed))) blocks.push(...splitter.append(chunk));
      blocks.push(...splitter.finish());
      assert.deepEqual(blocks, whole, `seed ${seed}`);
    }
  });

  test('an unclosed fence keeps everything after it in the open tail', () => {
    const splitter = new BlockSplitter();
    assert.deepEqual(splitter.append('intro\n\n```py\nx = 1\n\n\ny = 2\n\n'), ['intro']);
    assert.equal(splitter.tail, '```py\nx = 1\n\n\ny = 2\n\n');
    assert.deepEqual(splitter.append('```\n\nafter\n'), ['```py\nx = 1\n\n\ny = 2\n\n```']);
    assert.equal(splitter.tail, 'after\n');
  });

  test('after a blank line, a line at the margin ends the block with its first character; an indented one does not', () => {
    const splitter = new BlockSplitter();
    assert.deepEqual(splitter.append('First.\n\nN'), ['First.']);
    assert.deepEqual(splitter.open, { lines: [], partial: 'N' });
    const indented = new BlockSplitter();
    assert.deepEqual(indented.append('- item\n\n  '), []);
    assert.deepEqual(indented.append('more of the item\nafter'), []);
    assert.equal(indented.tail, '- item\n\n  more of the item\nafter');
  });

  test('a fence or list at the margin ends the paragraph before it; a fence ends right after its closing line', () => {
    assert.deepEqual(splitBlocks('Some code:\n```js\nx\n```\nafter\n- one\n- two\n* three\n2. not a new list'), [
      'Some code:',
      '```js\nx\n```',
      'after',
      '- one\n- two\n* three\n2. not a new list',
    ]);
    // Not boundaries: a numbered item other than 1 (it does not interrupt a paragraph), a rule,
    // and a fence indented inside a list item (closing it does not end the list).
    assert.deepEqual(splitBlocks('Text\n2. two\n---\n- item\n  ```\n  code\n  ```\n  more of the item'), ['Text\n2. two\n---', '- item\n  ```\n  code\n  ```\n  more of the item']);
  });

  test('each block renders alone as it does inside the whole reply', () => {
    const samples = [
      REPLY,
      'Intro:\n- a\n- b\n  - nested\n- c\n\n1. one\n2. two\n\n| h | i |\n|:--|--:|\n| 1 | 2 |\n| 3 |\n\nafter the table',
      'Code:\n```py\nprint(1)\n```\nText right after.\n~~~\n```\n~~~\n- x\n```\ny\n```',
      'Para\n1. interrupts\n2. continues\n\n   indented para of item 2\n\n> quote\n- list after quote',
    ];
    const html = (fragment: DocumentFragment) => [...fragment.children].map((e) => e.outerHTML).join('');
    for (const sample of samples) {
      const blocks = splitBlocks(sample);
      assert.equal(blocks.map((b) => html(renderMarkdown(b, window))).join(''), html(renderMarkdown(sample, window)), sample);
    }
  });

  test('each character is scanned once: the open block never holds finished text', () => {
    const splitter = new BlockSplitter();
    let longestTail = 0;
    for (let i = 0; i < 2000; i++) {
      splitter.append(`Paragraph ${i} has some words.\n\n`);
      longestTail = Math.max(longestTail, splitter.tail.length);
    }
    assert.ok(longestTail < 40, `the tail grew to ${longestTail} characters`);
  });
});

describe('StreamingMarkdown', () => {
  test('deltas between two frames are drawn once, with the next frame', () => {
    const container = document.createElement('div');
    const frames = manualFrames();
    let renders = 0;
    const view = new StreamingMarkdown(container, {
      render: (md) => {
        renders++;
        return renderMarkdown(md, window);
      },
      schedule: frames.schedule,
    });
    for (const word of ['Echo: ', 'one ', 'two ', 'three']) view.append(word);
    assert.equal(frames.requests, 1, 'more than one frame requested for one burst');
    assert.equal(renders, 0, 'drawn before the frame');
    assert.equal(container.textContent, '');
    frames.frame();
    assert.equal(renders, 1);
    assert.equal(container.textContent, 'Echo: one two three');
  });

  test('finished blocks are rendered exactly once and stay in the DOM; only the tail is redrawn', () => {
    const container = document.createElement('div');
    const frames = manualFrames();
    const rendered = new Map<string, number>();
    const perFrame: number[] = [];
    let frameChars = 0;
    const view = new StreamingMarkdown(container, {
      render: (md) => {
        rendered.set(md, (rendered.get(md) ?? 0) + 1);
        frameChars += md.length;
        return renderMarkdown(md, window);
      },
      schedule: frames.schedule,
      afterDraw: () => {
        perFrame.push(frameChars);
        frameChars = 0;
      },
    });
    // A long reply, streamed word by word with a frame every few words (as the stand-in does).
    const reply = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? `\`\`\`js\nconst x${i} = ${i};\n\nx${i}++;\n\`\`\`` : `Paragraph ${i} with **bold** words in it.`)).join('\n\n');
    const words = reply.match(/\s*\S+\s*/g)!;
    const frozen: Node[] = [];
    words.forEach((word, i) => {
      view.append(word);
      if (i % 3 === 2) {
        frames.frame();
        // What was frozen before stays the same node: it is never redrawn.
        for (const node of frozen) assert.ok(node.parentNode === container, `a finished block was replaced: ${(node as Element).outerHTML ?? node.textContent}`);
        frozen.splice(0, frozen.length, ...[...container.childNodes].slice(0, -1));
      }
    });
    frames.frame();

    const blocks = splitBlocks(reply);
    for (const block of blocks.slice(0, -1)) assert.equal(rendered.get(block), 1, `block rendered ${rendered.get(block)} times: ${block}`);
    // Work per frame is the open tail plus what the frame finished: it does not grow with the reply.
    const longestBlock = Math.max(...blocks.map((b) => b.length));
    const worst = Math.max(...perFrame);
    assert.ok(worst <= 3 * longestBlock + 60, `a frame rendered ${worst} characters (longest block ${longestBlock}, reply ${reply.length})`);
    assert.ok(perFrame.slice(-5).every((n) => n < reply.length / 10), 'late frames render the whole reply');

    // The streamed DOM shows the same text as rendering the whole reply at once.
    const whole = document.createElement('div');
    whole.append(renderMarkdown(reply, window));
    assert.equal(container.textContent, whole.textContent);
    assert.equal(container.querySelectorAll('.code-block').length, whole.querySelectorAll('.code-block').length);
  });

  test('a hidden page gets no animation frames, and the text is drawn all the same', async () => {
    const globals = globalThis as unknown as Record<string, unknown>;
    const saved = ['requestAnimationFrame', 'cancelAnimationFrame', 'document'].map((k) => [k, globals[k]] as const);
    let frameRequests = 0;
    globals.requestAnimationFrame = () => ++frameRequests; // never fires, as in a hidden webview
    globals.cancelAnimationFrame = () => {};
    globals.document = { visibilityState: 'hidden' };
    try {
      const container = document.createElement('div');
      const view = new StreamingMarkdown(container, { render: (md) => renderMarkdown(md, window) });
      view.append('arrives ');
      view.append('while hidden');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(frameRequests, 1);
      assert.equal(container.textContent, 'arrives while hidden');
    } finally {
      for (const [k, v] of saved) globals[k] = v;
    }
  });

  test('after dispose nothing more is drawn (the stored reply replaced the stream)', () => {
    const container = document.createElement('div');
    const frames = manualFrames();
    const view = new StreamingMarkdown(container, { render: (md) => renderMarkdown(md, window), schedule: frames.schedule });
    view.append('first');
    frames.frame();
    view.append(' second');
    view.dispose();
    frames.frame();
    assert.equal(container.textContent, 'first');
  });
});

const oneShotHtml = (markdown: string) => [...renderMarkdown(markdown, window).children].map((e) => e.outerHTML).join('');

/** Streams `reply` in random small chunks, a frame every few; counts the characters each frame renders. */
function streamCounting(reply: string, seed: number, check?: (container: HTMLElement, sent: string) => void) {
  const container = document.createElement('div');
  const frames = manualFrames();
  const perFrame: number[] = [];
  let chars = 0;
  const view = new StreamingMarkdown(container, {
    render: (md) => {
      chars += md.length;
      return renderMarkdown(md, window);
    },
    schedule: frames.schedule,
    afterDraw: () => {
      perFrame.push(chars);
      chars = 0;
    },
  });
  playChunks(view, frames, reply, seed, { afterFrame: (sent) => check?.(container, sent) });
  return { container, perFrame };
}

describe('StreamingMarkdown: long code fences, lists and tables', () => {
  const code = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i}, "text ${i}");`).join('\n');
  const list = Array.from({ length: 400 }, (_, i) => `- item ${i} with **bold** and \`code\``).join('\n');
  const table = ['| name | size | kind |', '|:-----|-----:|:----:|', ...Array.from({ length: 400 }, (_, i) => `| file${i}.ts | ${i * 7} | source |`)].join('\n');
  const shapes = { 'code fence': `Here it is:\n\`\`\`ts\n${code}\n\`\`\`\nThat is all.`, list: `Steps:\n${list}\n\nDone.`, table: `Files:\n\n${table}\n\nDone.` };

  for (const [shape, reply] of Object.entries(shapes)) {
    test(`inside a long ${shape} a frame renders about as much as at its start, and the result equals a one-shot render`, () => {
      const { container, perFrame } = streamCounting(reply, 7);
      // The frame that finishes the block renders it whole, once (highlighting a fence, making a list loose or tight).
      const longest = Math.max(...splitBlocks(reply).map((b) => b.length));
      assert.ok(longest > 10_000, `the ${shape} is only ${longest} characters`);
      const streaming = perFrame.filter((n) => n < longest);
      assert.ok(perFrame.length - streaming.length <= 2, `${perFrame.length - streaming.length} frames rendered the whole ${shape}`);
      const early = Math.max(...streaming.slice(0, 100));
      const late = Math.max(...streaming.slice(-100));
      assert.ok(Math.max(...streaming) < 400, `a frame rendered ${Math.max(...streaming)} characters of a ${longest}-character ${shape}`);
      assert.ok(late <= early + 40, `late frames render more than early ones (${late} vs ${early})`);
      assert.equal(streamedHtml(container), oneShotHtml(reply));
    });
  }

  test('while a fence streams its finished lines show as code and a half-arrived closing fence does not', () => {
    const container = document.createElement('div');
    const frames = manualFrames();
    const view = new StreamingMarkdown(container, { render: (md) => renderMarkdown(md, window), schedule: frames.schedule });
    view.append('```py\nx = 1\ny = ');
    frames.frame();
    const code = () => container.querySelector('.markdown-tail pre code')!;
    assert.equal(code().textContent, 'x = 1\ny = ');
    assert.equal(code().className.includes('language-py'), true);
    view.append('2\n``');
    frames.frame();
    assert.equal(code().textContent, 'x = 1\ny = 2\n');
    view.append('`\nafter');
    frames.frame();
    assert.equal(container.querySelector('.markdown-tail')!.textContent, 'after');
    assert.equal(streamedHtml(container), oneShotHtml('```py\nx = 1\ny = 2\n```\nafter'));
  });

  test('a list or table that turns out not to be one alone is drawn whole, showing at every frame what the text so far renders to', () => {
    const replies = ['- a\n- b\n---\n- c\n\nend', '* a\n* b\n- other bullet\n\nend', '| a | b |\n|---|---|\n| 1 | 2 |\n\n    indented after the table\n\nend', '1. a\n2. b\n\n   loose\n3. c'];
    for (const reply of replies) {
      for (let seed = 1; seed <= 20; seed++) {
        const shown = (node: Element, markdown: string) => {
          const whole = document.createElement('div');
          whole.append(renderMarkdown(markdown, window));
          assert.equal(node.textContent, whole.textContent, `${JSON.stringify(markdown)} (seed ${seed})`);
        };
        const { container } = streamCounting(reply, seed, shown);
        shown(container, reply);
      }
    }
  });
});
