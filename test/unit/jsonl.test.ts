import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { linesBackward, linesForward } from '../../src/core/storage/jsonl';
import type { PlacedLine } from '../../src/core/storage/jsonl';
import { tempDir } from './fakes/fixtures';

interface TextLine {
  text: string;
  complete: boolean;
  start: number;
  end: number;
}

async function collect(file: string, read: (handle: fs.FileHandle) => AsyncIterable<PlacedLine>): Promise<TextLine[]> {
  const handle = await fs.open(file, 'r');
  const all: TextLine[] = [];
  try {
    for await (const { bytes, complete, start, end } of read(handle)) all.push({ text: bytes.toString('utf8'), complete, start, end });
  } finally {
    await handle.close();
  }
  return all;
}

const readLines = (file: string) => collect(file, (handle) => linesForward(handle));
const readLinesBackward = (file: string, chunkSize?: number) => collect(file, (handle) => linesBackward(handle, undefined, chunkSize));

describe('reading JSON Lines files', () => {
  // Every chunk size puts line and UTF-8 character boundaries in different places, including a
  // chunk that starts exactly on a newline.
  const content = ['{"a":"é😀"}', '', 'x'.repeat(40), '{"b":"日本語テキスト"}', '{"c":1}', '{"torn":'].join('\n');

  for (const chunkSize of [1, 2, 3, 5, 8, 13, 64 * 1024]) {
    test(`backward reading with ${chunkSize}-byte chunks yields the same lines as forward, reversed`, async () => {
      const file = path.join(await tempDir(), 't.jsonl');
      await fs.writeFile(file, content);
      const forward = await readLines(file);
      const backward = await readLinesBackward(file, chunkSize);
      assert.deepEqual(backward.reverse(), forward);
      assert.deepEqual(
        forward.map((l) => l.text),
        content.split('\n'),
      );
      assert.deepEqual(
        forward.map((l) => l.complete),
        [true, true, true, true, true, false],
        'only the unterminated last line is incomplete',
      );
    });
  }

  test('a file ending in a newline has no incomplete line; an empty file has no lines', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 't.jsonl');
    await fs.writeFile(file, '{"a":1}\n{"b":2}\n');
    const expected = [
      { text: '{"a":1}', complete: true, start: 0, end: 8 },
      { text: '{"b":2}', complete: true, start: 8, end: 16 },
    ];
    assert.deepEqual(await readLines(file), expected);
    assert.deepEqual((await readLinesBackward(file, 3)).reverse(), expected);
    const empty = path.join(dir, 'empty.jsonl');
    await fs.writeFile(empty, '');
    assert.deepEqual(await readLines(empty), []);
    assert.deepEqual(await readLinesBackward(empty), []);
  });
});
