// Conversations API on the stand-in, through the real SDK over HTTP.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError, NotFoundError } from 'openai';
import { itemText, sdkClient, standInForFile } from './support';

const standIn = standInForFile();

describe('stand-in: conversations', () => {
  test('create with items and metadata, retrieve, update, delete', async () => {
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create({
      metadata: { topic: 'tests' },
      items: [{ type: 'message', role: 'user', content: 'hello' }],
    });
    assert.match(conversation.id, /^conv_/);
    assert.equal(conversation.object, 'conversation');
    assert.deepEqual(conversation.metadata, { topic: 'tests' });

    const items = await client.conversations.items.list(conversation.id);
    assert.equal(items.data.length, 1);
    const [first] = items.data;
    assert.ok(first?.type === 'message');
    assert.match(first.id, /^msg_/);
    assert.equal(first.role, 'user');
    assert.deepEqual(first.content, [{ type: 'input_text', text: 'hello' }]);

    const updated = await client.conversations.update(conversation.id, { metadata: { topic: 'renamed' } });
    assert.deepEqual(updated.metadata, { topic: 'renamed' });
    assert.deepEqual((await client.conversations.retrieve(conversation.id)).metadata, { topic: 'renamed' });

    const deleted = await client.conversations.delete(conversation.id);
    assert.deepEqual({ ...deleted }, { id: conversation.id, object: 'conversation.deleted', deleted: true });
    await assert.rejects(client.conversations.retrieve(conversation.id), NotFoundError);
    // As on OpenAI, the items outlive their conversation.
    assert.deepEqual(standIn.current.state.itemsOfDeletedConversations.get(conversation.id)?.map(itemText), ['hello']);
  });

  test('auto-pagination walks 105 items newest first, then oldest first', async () => {
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create();
    const texts = Array.from({ length: 105 }, (_, i) => `item ${i}`);
    for (let i = 0; i < texts.length; i += 20) {
      const batch = texts.slice(i, i + 20).map((text) => ({ type: 'message' as const, role: 'user' as const, content: text }));
      const created = await client.conversations.items.create(conversation.id, { items: batch });
      assert.equal(created.data.length, batch.length);
      assert.equal(created.has_more, false);
    }

    const firstPage = await client.conversations.items.list(conversation.id, { limit: 100 });
    assert.equal(firstPage.data.length, 100);
    assert.equal(firstPage.has_more, true);
    // The SDK page keeps only last_id, so read the cursor fields from the wire.
    const wire = (await (await client.conversations.items.list(conversation.id, { limit: 100 }).asResponse()).json()) as Record<string, unknown>;
    assert.equal(wire.first_id, firstPage.data[0]?.id);
    assert.equal(wire.last_id, firstPage.data[99]?.id);
    assert.equal(wire.has_more, true);
    const secondPage = await firstPage.getNextPage();
    assert.equal(secondPage.data.length, 5);
    assert.equal(secondPage.has_more, false);
    assert.equal(secondPage.hasNextPage(), false);

    const newestFirst: string[] = [];
    for await (const item of client.conversations.items.list(conversation.id, { limit: 100 })) newestFirst.push(itemText(item));
    assert.deepEqual(newestFirst, [...texts].reverse());

    const oldestFirst: string[] = [];
    for await (const item of client.conversations.items.list(conversation.id, { order: 'asc', limit: 7 })) oldestFirst.push(itemText(item));
    assert.deepEqual(oldestFirst, texts);

    const defaultPage = await client.conversations.items.list(conversation.id);
    assert.equal(defaultPage.data.length, 20, 'the default limit is 20');
  });

  test('retrieve and delete one item; deleting answers with the conversation', async () => {
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create({
      items: [
        { type: 'message', role: 'user', content: 'keep' },
        { type: 'message', role: 'assistant', content: 'drop' },
      ],
    });
    const [dropped, kept] = (await client.conversations.items.list(conversation.id)).data;
    const droppedId = dropped?.id;
    assert.ok(droppedId && kept);
    const retrieved = await client.conversations.items.retrieve(droppedId, { conversation_id: conversation.id });
    assert.equal(itemText(retrieved), 'drop');
    assert.ok(retrieved.type === 'message' && retrieved.content[0]?.type === 'output_text', 'assistant text is stored as output_text');

    const afterDelete = await client.conversations.items.delete(droppedId, { conversation_id: conversation.id });
    assert.equal(afterDelete.id, conversation.id);
    assert.equal(afterDelete.object, 'conversation');
    assert.deepEqual((await client.conversations.items.list(conversation.id)).data.map((i) => i.id), [kept.id]);
    await assert.rejects(client.conversations.items.retrieve(droppedId, { conversation_id: conversation.id }), NotFoundError);
  });

  test('invalid requests are 400s that name the parameter', async () => {
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create();
    const paramOf = (param: string) => (err: unknown) => err instanceof BadRequestError && err.param === param;
    await assert.rejects(client.conversations.items.list(conversation.id, { limit: 101 }), paramOf('limit'));
    await assert.rejects(
      client.conversations.items.create(conversation.id, {
        items: Array.from({ length: 21 }, () => ({ type: 'message' as const, role: 'user' as const, content: 'x' })),
      }),
      paramOf('items'),
    );
    await assert.rejects(client.conversations.create({ metadata: { ['k'.repeat(65)]: 'v' } }), paramOf('metadata'));
  });
});
