// The Choose Assistant picker's server side against the stand-in: every assistant is listed
// (across pages), a new one is made with the model asked for, and a picked assistant's runs use
// the assistant's own model rather than threadline.model.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { historyFrom } from '../../src/core/backends/backend';
import { createAssistant, listAssistants } from '../../src/core/backends/assistants/catalog';
import { AssistantsBackend } from '../../src/core/backends/assistantsBackend';
import type { ThreadMeta } from '../../src/core/model';
import { expectedReply } from '../stand-in/index';
import { splitReply } from './replies';
import { collect, settingsFor, standInForFile } from './support';

const standIn = standInForFile();

describe('assistant catalog', () => {
  test('lists every assistant with name, model and instructions, following pages past 100', async () => {
    const settings = settingsFor(standIn.current);
    const made = [];
    for (let i = 0; i < 102; i++) made.push(await createAssistant(settings, { name: `A${i}`, model: i % 2 ? 'gpt-4o' : 'stand-in-echo', instructions: `Rule ${i}` }));
    const listed = await listAssistants(settings);
    assert.equal(listed.length, 102);
    assert.deepEqual(new Set(listed.map((a) => a.id)), new Set(made.map((a) => a.id)));
    assert.deepEqual(listed.find((a) => a.name === 'A7'), { id: made[7]!.id, name: 'A7', model: 'gpt-4o', instructions: 'Rule 7' });
  });

  test('a picked assistant runs with its own model: the run names no model, and the reply is marked with the assistant\'s', async () => {
    const settings = settingsFor(standIn.current);
    const picked = await createAssistant(settings, { name: 'Reviewer', model: 'gpt-4o', instructions: '' });
    const backend = new AssistantsBackend(settings, { assistantId: picked.id });
    const thread: ThreadMeta = { id: 'th', title: 'T', createdAt: 0, updatedAt: 0, backend: 'assistants', messageCount: 0 };
    thread.remoteId = (await backend.createThread(thread)).remoteId;
    const input = { id: 'm1', threadId: 'th', role: 'user' as const, content: [{ type: 'text' as const, text: 'Who answers?' }], createdAt: 0, status: 'complete' as const };
    const { text, done } = splitReply(await collect(backend.reply({ thread, history: historyFrom([]), input, model: 'stand-in-echo', signal: new AbortController().signal })));
    assert.equal(text, expectedReply('Who answers?'));
    assert.equal(done.model, 'gpt-4o');
    const run = standIn.current.requests.filter((r) => r.method === 'POST' && /\/runs$/.test(r.path)).at(-1)?.body as Record<string, unknown>;
    assert.equal(run.assistant_id, picked.id);
    assert.equal('model' in run, false, 'the run does not override the assistant\'s model');
  });
});
