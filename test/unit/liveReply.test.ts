// What a screen reader hears of a streaming reply: finished sentences and lines as plain words,
// the same however the reply is chunked, put in a polite live region at most every SPEAK_EVERY_MS.
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { JSDOM } from 'jsdom';
import { LiveReply, SPEAK_EVERY_MS, SpokenText } from '../../webview-ui/src/views/liveReply';

const REPLY = [
  '# The plan',
  'First sentence here. Second one is **bold** and has `code`, then',
  'continues. Third!',
  '- item one with [a link](https://example.com/x)',
  '12. numbered item',
  '',
  '| name | size |',
  '|:-----|-----:|',
  '| a.ts | 3 KB |',
  '```ts',
  'const x = 1. Not read out.',
  '```',
  'Done, see file.ts or 3.14 now',
].join('\n');

const HEARD = 'The plan First sentence here. Second one is bold and has code, then continues. Third! item one with a link numbered item name, size a.ts, 3 KB Code block, ts. Done, see file.ts or 3.14 now';

function speakAll(chunks: string[]): string[] {
  const text = new SpokenText();
  return [...chunks.flatMap((c) => text.append(c)), ...text.finish()];
}

describe('SpokenText', () => {
  test('a reply is heard as plain words, sentences and lines, with code named not read, however it is chunked', () => {
    assert.equal(speakAll([REPLY]).join(' '), HEARD);
    for (let seed = 1; seed <= 50; seed++) {
      let s = seed;
      const chunks: string[] = [];
      for (let i = 0; i < REPLY.length; ) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const n = 1 + (s % 7);
        chunks.push(REPLY.slice(i, i + n));
        i += n;
      }
      assert.equal(speakAll(chunks).join(' '), HEARD, `seed ${seed}`);
    }
  });

  test('word by word, a piece is spoken only when a sentence or line finishes', () => {
    const text = new SpokenText();
    const words = 'One two three four. Five six seven eight nine ten! Eleven'.split(' ');
    const pieces = words.map((word, i) => text.append(i ? ` ${word}` : word));
    // A sentence is known finished when the space after its end arrives.
    assert.deepEqual(pieces.map((p) => p.join('|')), ['', '', '', '', 'One two three four.', '', '', '', '', '', 'Five six seven eight nine ten!']);
    assert.deepEqual(text.finish(), ['Eleven']);
  });

  test('a sentence end cut between deltas, closing quotes and brackets too, is found once the space after it arrives', () => {
    const reply = 'He said "stop." Then (it ended.) Done!" Right?\' Last';
    for (let i = 1; i < reply.length; i++) {
      const text = new SpokenText();
      const heard = [...text.append(reply.slice(0, i)), ...text.append(reply.slice(i))].join(' ');
      assert.equal(heard, 'He said "stop." Then (it ended.) Done!" Right?\'', `cut at ${i}`);
    }
  });
});

describe('LiveReply', () => {
  test('speaks politely: the first sentence at once, then at most every SPEAK_EVERY_MS, the rest when the reply ends', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const { window } = new JSDOM('<!doctype html><body></body>');
      const live = new LiveReply(window.document);
      assert.equal(live.element.getAttribute('aria-live'), 'polite');
      const said: string[] = [];
      const heard = () => [...live.element.children].map((p) => p.textContent);
      live.start('Text from before the panel opened. It is not ');
      // 200 one-word deltas, 50 ms apart (10 s), a sentence every 5 words.
      for (let n = 0; n < 200; n++) {
        live.append(`w${n}${n % 5 === 4 ? '.' : ''} `);
        mock.timers.tick(50);
        for (const text of heard()) if (!said.includes(text!)) said.push(text!);
      }
      live.append('last words');
      live.end();
      for (const text of heard()) if (!said.includes(text!)) said.push(text!);
      assert.ok(said.length <= 10_000 / SPEAK_EVERY_MS + 2, `${said.length} announcements in 10 s`);
      assert.ok(said.length >= 5, `only ${said.length} announcements`);
      assert.ok(said.slice(0, -1).every((s) => /\.$/.test(s)), 'an announcement while streaming ended mid-sentence');
      assert.equal(said[0], 'It is not w0 w1 w2 w3 w4.', 'sentences finished before start are not read; the one under way is read whole');
      assert.ok(said.at(-1)!.endsWith('w199. last words'));
      assert.ok(live.element.childElementCount <= 4, 'the region keeps only the latest few announcements');
    } finally {
      mock.timers.reset();
    }
  });

  test('switching threads drops what was not spoken yet', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const { window } = new JSDOM('<!doctype html><body></body>');
      const live = new LiveReply(window.document);
      live.append('First. ');
      mock.timers.tick(1);
      live.append('Second. ');
      live.stop();
      mock.timers.tick(5000);
      assert.deepEqual([...live.element.children].map((p) => p.textContent), ['First.']);
    } finally {
      mock.timers.reset();
    }
  });
});
