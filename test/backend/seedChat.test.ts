// Flows 1 and 7 in the Chat Completions dialect: the server keeps no thread, so seeding one
// sends nothing and there is nothing to list (the local store holds the messages).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/core/backends/backend';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { alternating, newThread } from './seedFixtures';
import { settingsFor, standInForFile } from './support';

const standIn = standInForFile();

describe('Chat Completions: a thread created with initial messages', () => {
  test('makes no request and has no remote id; listing is not offered', async () => {
    // Through the interface the chat service uses, where both members are part of the contract.
    const backend: Backend = new ChatCompletionsBackend(settingsFor(standIn.current), { maxTokensField: 'max_completion_tokens' });
    const before = standIn.current.requests.length;

    const created = await backend.createThread(newThread('chat', 'th_seed_chat'), alternating('th_seed_chat', 45));

    assert.deepEqual(created, {});
    assert.equal(standIn.current.requests.length, before, 'nothing was sent');
    assert.equal(backend.listMessages, undefined);
  });
});
