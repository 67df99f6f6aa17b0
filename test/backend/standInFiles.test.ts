// Files API on the stand-in, through the real SDK over HTTP.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError, BadRequestError, toFile } from 'openai';
import { sdkClient, standInForFile } from './support';

const standIn = standInForFile();

describe('stand-in: files', () => {
  test('upload, retrieve, download, list and delete a file', async () => {
    const client = sdkClient(standIn.current);
    const bytes = Buffer.from('line one\nline two\n\u00e9\u0000binary');
    const created = await client.files.create({ file: await toFile(bytes, 'notes.txt', { type: 'text/plain' }), purpose: 'user_data' });
    assert.match(created.id, /^file-/);
    assert.equal(created.object, 'file');
    assert.equal(created.bytes, bytes.length);
    assert.equal(created.filename, 'notes.txt');
    assert.equal(created.purpose, 'user_data');
    assert.equal(created.status, 'processed');
    assert.ok(Number.isInteger(created.created_at) && created.created_at < 1e11, 'created_at is in Unix seconds');

    const retrieved = await client.files.retrieve(created.id);
    assert.deepEqual({ ...retrieved }, { ...created });

    const content = await client.files.content(created.id);
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes);

    const deleted = await client.files.delete(created.id);
    assert.deepEqual({ ...deleted }, { id: created.id, object: 'file', deleted: true });
    await assert.rejects(client.files.retrieve(created.id), (err: unknown) => err instanceof NotFoundError && /No such File object/.test(err.message));
  });

  test('lists files newest first, filters by purpose and pages with after', async () => {
    const client = sdkClient(standIn.current);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const purpose = i % 2 === 0 ? 'assistants' : 'vision';
      ids.push((await client.files.create({ file: await toFile(Buffer.from(`file ${i}`), `f${i}.txt`), purpose })).id);
    }
    const assistants = await client.files.list({ purpose: 'assistants' });
    assert.deepEqual(assistants.data.map((f) => f.id), [ids[4], ids[2], ids[0]]);

    const firstPage = await client.files.list({ purpose: 'assistants', limit: 2, order: 'asc' });
    assert.deepEqual(firstPage.data.map((f) => f.id), [ids[0], ids[2]]);
    assert.equal(firstPage.hasNextPage(), true);
    const all: string[] = [];
    for await (const file of client.files.list({ purpose: 'assistants', limit: 2, order: 'asc' })) all.push(file.id);
    assert.deepEqual(all, [ids[0], ids[2], ids[4]]);
  });

  test('expires_after sets expires_at; a bad purpose is a 400 naming the parameter', async () => {
    const client = sdkClient(standIn.current);
    const file = await client.files.create({
      file: await toFile(Buffer.from('x'), 'x.jsonl'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    assert.equal(file.expires_at, file.created_at + 3600);
    await assert.rejects(
      client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'nonsense' as 'user_data' }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'purpose',
    );
  });
});
