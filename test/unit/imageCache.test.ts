// The cache of images fetched by file id: downloaded once, kept across sessions, pictures only,
// and a failure that says why instead of breaking the message.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { NotFoundError } from 'openai';
import { ImageCache, MAX_IMAGE_BYTES } from '../../src/host/panel/imageCache';
import type { ImageFetcher } from '../../src/host/panel/imageCache';
import { tempDir } from './fakes/fixtures';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function fetcher(answer: (fileId: string) => Uint8Array): ImageFetcher & { calls: string[] } {
  const calls: string[] = [];
  const fetchImage = async (fileId: string) => {
    calls.push(fileId);
    return answer(fileId);
  };
  return Object.assign(fetchImage, { calls });
}

describe('image cache', () => {
  test('downloads an image once, and a later session finds it on disk', async () => {
    const dir = path.join(await tempDir(), 'image-cache');
    const fetchPng = fetcher(() => PNG);
    const cache = new ImageCache(dir);
    const [first, second] = await Promise.all([cache.get('https://api.example/v1', 'file-1', fetchPng), cache.get('https://api.example/v1', 'file-1', fetchPng)]);
    assert.ok('path' in first && 'path' in second);
    assert.equal(first.path, second.path);
    assert.match(first.path, /\.png$/);
    assert.deepEqual(readFileSync(first.path), PNG);
    assert.deepEqual(fetchPng.calls, ['file-1'], 'fetched once');

    const later = new ImageCache(dir);
    const again = await later.get('https://api.example/v1', 'file-1', fetchPng);
    assert.deepEqual(again, first);
    assert.equal(fetchPng.calls.length, 1, 'a new session reuses the file');
    // The same id on another server is another file.
    assert.ok('path' in (await later.get('http://127.0.0.1:9/v1', 'file-1', fetchPng)));
    assert.equal(fetchPng.calls.length, 2);
    assert.equal(readdirSync(dir).length, 2);
  });

  test('a thread full of pictures downloads a few at a time', async () => {
    const cache = new ImageCache(path.join(await tempDir(), 'image-cache'));
    let running = 0;
    let most = 0;
    const slow: ImageFetcher = async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return PNG;
    };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => cache.get('s', `file-${i}`, slow)));
    assert.ok(results.every((r) => 'path' in r));
    assert.equal(most, 4);
  });

  test('a file that is not a picture, too big, or gone comes back as a reason, not a throw', async () => {
    const dir = path.join(await tempDir(), 'image-cache');
    let now = 0;
    const cache = new ImageCache(dir, () => now);
    const notImage = await cache.get('s', 'file-text', fetcher(() => Buffer.from('just text')));
    assert.deepEqual(notImage, { error: 'the file is not a PNG, JPEG, GIF or WebP image.' });

    const huge = await cache.get('s', 'file-huge', fetcher(() => new Uint8Array(MAX_IMAGE_BYTES + 1)));
    assert.ok('error' in huge && /over 20 MB/.test(huge.error));

    const gone = fetcher(() => {
      throw new NotFoundError(404, { message: 'No such File object: file-gone' }, undefined, new Headers());
    });
    assert.deepEqual(await cache.get('s', 'file-gone', gone), { error: 'the server no longer has this file (404).' });
    // Not asked again at once (every refresh of the panel would), but after a while.
    await cache.get('s', 'file-gone', gone);
    assert.equal(gone.calls.length, 1);
    now += 60_000;
    await cache.get('s', 'file-gone', gone);
    assert.equal(gone.calls.length, 2);
  });
});
