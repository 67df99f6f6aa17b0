// uploadFile (the Files API upload Responses and Assistants share) against the stand-in: bytes
// arrive intact, progress is reported chunk by chunk, and a stop ends the upload.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIUserAbortError } from 'openai';
import { uploadFile } from '../../src/core/backends/files';
import { createOpenAIClient } from '../../src/core/backends/openaiClient';
import { sdkClient, settingsFor, standInForFile } from './support';

const standIn = standInForFile();

function client() {
  return createOpenAIClient(settingsFor(standIn.current));
}

/** Deterministic, not all zeros, so a shifted or dropped chunk shows. */
function bytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
}

describe('uploadFile', () => {
  test('uploads the bytes with name, type and purpose, reporting progress as chunks are read', async () => {
    const data = bytes(200 * 1024 + 17);
    const progress: Array<[number, number]> = [];
    const { fileId } = await uploadFile(client(), { name: 'report.pdf', mime: 'application/pdf', data, purpose: 'user_data', onProgress: (sent, total) => progress.push([sent, total]) });
    assert.match(fileId, /^file-/);

    const sdk = sdkClient(standIn.current);
    const file = await sdk.files.retrieve(fileId);
    assert.deepEqual([file.filename, file.bytes, file.purpose], ['report.pdf', data.length, 'user_data']);
    assert.deepEqual(new Uint8Array(await (await sdk.files.content(fileId)).arrayBuffer()), data);
    assert.equal(standIn.current.state.files.get(fileId)?.contentType, 'application/pdf');

    assert.deepEqual(progress[0], [0, data.length]);
    assert.deepEqual(progress.at(-1), [data.length, data.length]);
    assert.ok(progress.length >= 4, `several steps for a 200 KiB file, got ${progress.length}`);
    assert.ok(progress.every(([sent], i) => i === 0 || sent > progress[i - 1]![0]), 'progress only grows');
  });

  test('an empty file uploads and reports 0 of 0', async () => {
    const progress: Array<[number, number]> = [];
    const { fileId } = await uploadFile(client(), { name: 'empty.txt', mime: 'text/plain', data: new Uint8Array(0), purpose: 'assistants', onProgress: (s, t) => progress.push([s, t]) });
    assert.equal((await sdkClient(standIn.current).files.retrieve(fileId)).bytes, 0);
    assert.deepEqual(progress, [[0, 0]]);
  });

  test('aborting midway stops the upload: APIUserAbortError, nothing stored', async () => {
    const files = standIn.current.state.files.size;
    const controller = new AbortController();
    let last = 0;
    const data = bytes(2 * 1024 * 1024);
    await assert.rejects(
      uploadFile(client(), {
        name: 'big.bin',
        mime: 'application/octet-stream',
        data,
        purpose: 'assistants',
        signal: controller.signal,
        onProgress: (sent) => {
          last = sent;
          if (sent >= 128 * 1024) controller.abort();
        },
      }),
      APIUserAbortError,
    );
    assert.ok(last < data.length, 'the rest of the file was never read');
    assert.equal(standIn.current.state.files.size, files);
  });

  test('an already aborted signal sends nothing', async () => {
    const before = standIn.current.requests.length;
    await assert.rejects(uploadFile(client(), { name: 'x.txt', mime: 'text/plain', data: bytes(10), purpose: 'assistants', signal: AbortSignal.abort() }), APIUserAbortError);
    assert.equal(standIn.current.requests.length, before);
  });
});
