// Azure OpenAI's v1 path takes the key in an `api-key` header and may want `api-version`: the
// client moves the key there and sends the version on every request, whichever dialect asks.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { historyFrom } from '../../src/core/backend';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { listModels } from '../../src/core/backends/models';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import type { Message, ThreadMeta } from '../../src/core/model';
import { azureBaseUrl, resolveBaseUrl } from '../../src/core/providers';
import { collect, settingsFor, standInForFile, TEST_KEY } from './support';

const standIn = standInForFile();

const thread: ThreadMeta = { id: 'th_azure', title: 't', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
const input: Message = { id: 'msg_1', threadId: 'th_azure', role: 'user', content: [{ type: 'text', text: 'hello azure' }], createdAt: 0, status: 'complete' };

describe('Azure OpenAI', () => {
  test('the endpoint becomes the /openai/v1 base URL unless a base URL is given', () => {
    assert.equal(azureBaseUrl('https://res.openai.azure.com/'), 'https://res.openai.azure.com/openai/v1');
    assert.equal(azureBaseUrl('https://res.openai.azure.com/openai/v1'), 'https://res.openai.azure.com/openai/v1');
    assert.equal(resolveBaseUrl('azure', undefined, 'https://res.openai.azure.com'), 'https://res.openai.azure.com/openai/v1');
    assert.equal(resolveBaseUrl('azure', 'http://127.0.0.1:9/v1/', 'https://res.openai.azure.com'), 'http://127.0.0.1:9/v1');
    assert.equal(resolveBaseUrl('ollama', undefined, undefined), 'http://localhost:11434/v1');
  });

  test('every request carries the key as api-key (never as a bearer token) and the api-version', async () => {
    const settings = settingsFor(standIn.current, { keyHeader: 'api-key', query: { 'api-version': 'preview' } });
    standIn.current.requests.length = 0;

    const responses = new ResponsesBackend(settings);
    const { remoteId } = await responses.createThread(thread);
    await collect(responses.reply({ thread: { ...thread, remoteId: remoteId! }, history: historyFrom([]), input, model: 'gpt-4.1-mini', signal: new AbortController().signal }));
    await collect(new ChatCompletionsBackend(settings, { maxTokensField: 'max_completion_tokens' }).reply({ thread, history: historyFrom([]), input, model: 'gpt-4.1-mini', signal: new AbortController().signal }));
    await listModels(settings);

    const seen = standIn.current.requests;
    assert.ok(seen.length >= 4, `expected the requests of three dialect calls, saw ${seen.length}`);
    for (const request of seen) {
      assert.equal(request.headers['api-key'], TEST_KEY, `${request.method} ${request.path}`);
      assert.equal(request.headers.authorization, undefined, `${request.method} ${request.path} still sends a bearer token`);
      assert.equal(request.query['api-version'], 'preview', `${request.method} ${request.path}`);
    }
  });
});
