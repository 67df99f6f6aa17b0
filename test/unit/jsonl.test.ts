import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readLines, readLinesBackward } from '../../src/core/storage/jsonl';
import type { Line } from '../../src/core/storage/jsonl';
import { tempDir } from './fakes/fixtures';

async function collect(lines: AsyncIterable<Line>): Promise<Line[]> {
  const all: Line[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe('reading JSON Lines files', () => {
  // Every chunk size puts line and UTF-8 character boundaries in different places, including a
  // chunk that starts exactly on a newline.
  const content = ['{"a":"é😀"}', '', 'x'.repeat(40), '{"b":"日本語テキスト"}', '{"c":1}', '{"torn":'].join('\n');

  for (const chunkSize of [1, 2, 3, 5, 8, 13, 64 * 1024]) {
    test(`backward reading with ${chunkSize}-byte chunks yields the same lines as forward, reversed`, async () => {
      const file = path.join(await tempDir(), 't.jsonl');
      await fs.writeFile(file, content);
      const forward = await collect(readLines(file));
      const backward = await collect(readLinesBackward(file, chunkSize));
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
    const expected = [{ text: '{"a":1}', complete: true }, { text: '{"b":2}', complete: true }];
    assert.deepEqual(await collect(readLines(file)), expected);
    assert.deepEqual((await collect(readLinesBackward(file, 3))).reverse(), expected);
    const empty = path.join(dir, 'empty.jsonl');
    await fs.writeFile(empty, '');
    assert.deepEqual(await collect(readLines(empty)), []);
    assert.deepEqual(await collect(readLinesBackward(empty)), []);
  });
});
