// Azure OpenAI's v1 path takes the key in an `api-key` header and may want `api-version`: the
// client moves the key there and sends the version on every request, whichever dialect asks.
// The older deployment API goes through the SDK's AzureOpenAI client: chat completions under
// /openai/deployments/{deployment}, everything else under /openai, api-version always.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { historyFrom } from '../../src/core/backends/backend';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { listModels } from '../../src/core/backends/models';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import type { Message, ThreadMeta } from '../../src/core/model';
import { describeError } from '../../src/core/backends/errors';
import { azureBaseUrl, azureDeploymentsBaseUrl, resolveBaseUrl } from '../../src/core/backends/providers';
import type { ConnectionSettings } from '../../src/core/backends/backend';
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

describe('Azure OpenAI deployment API (endpoint + deployment + api-version)', () => {
  const API_VERSION = '2025-04-01-preview';
  const endpoint = () => new URL(standIn.current.baseUrl).origin;
  const deploymentSettings = (deployment = 'gpt-4.1-mini'): ConnectionSettings =>
    settingsFor(standIn.current, { baseUrl: azureDeploymentsBaseUrl(endpoint()), azureDeployment: { endpoint: `${endpoint()}/`, deployment, apiVersion: API_VERSION } });
  const run = { history: historyFrom([]), input, model: 'gpt-4.1-mini', signal: new AbortController().signal };

  function assertAzureRequests(paths: string[]): void {
    const seen = standIn.current.requests;
    assert.deepEqual(seen.map((r) => `${r.method} ${r.path}`), paths);
    for (const request of seen) {
      assert.equal(request.headers['api-key'], TEST_KEY, `${request.method} ${request.path}`);
      assert.equal(request.headers.authorization, undefined, `${request.method} ${request.path} still sends a bearer token`);
      assert.equal(request.query['api-version'], API_VERSION, `${request.method} ${request.path}`);
    }
  }

  test('the base URL is the endpoint\'s /openai, whatever threadline.baseUrl says', () => {
    assert.equal(resolveBaseUrl('azure', 'http://127.0.0.1:9/v1', 'https://res.openai.azure.com/', 'deployments'), 'https://res.openai.azure.com/openai');
    assert.equal(resolveBaseUrl('azure', undefined, undefined, 'deployments'), '');
  });

  test('Chat Completions go to /openai/deployments/{deployment}/chat/completions', async () => {
    standIn.current.requests.length = 0;
    const events = await collect(new ChatCompletionsBackend(deploymentSettings(), { maxTokensField: 'max_completion_tokens' }).reply({ thread: { ...thread, backend: 'chat' }, ...run }));
    assert.equal(events.at(-1)?.type, 'done');
    assert.equal((events.at(-1) as { status?: string }).status, 'complete');
    assertAzureRequests(['POST /openai/deployments/gpt-4.1-mini/chat/completions']);
  });

  test('OPENAI_BASE_URL and AZURE_OPENAI_API_KEY in the environment change nothing: the settings and SecretStorage decide', async () => {
    const saved = { base: process.env.OPENAI_BASE_URL, key: process.env.AZURE_OPENAI_API_KEY };
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
    process.env.AZURE_OPENAI_API_KEY = 'sk-from-the-environment';
    try {
      standIn.current.requests.length = 0;
      const events = await collect(new ChatCompletionsBackend(deploymentSettings(), { maxTokensField: 'max_completion_tokens' }).reply({ thread: { ...thread, backend: 'chat' }, ...run }));
      assert.equal((events.at(-1) as { status?: string }).status, 'complete', JSON.stringify(events.at(-1)));
      assertAzureRequests(['POST /openai/deployments/gpt-4.1-mini/chat/completions']);
    } finally {
      for (const [name, value] of [['OPENAI_BASE_URL', saved.base], ['AZURE_OPENAI_API_KEY', saved.key]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('Conversations + Responses, file uploads and the model list go under /openai', async () => {
    standIn.current.requests.length = 0;
    const responses = new ResponsesBackend(deploymentSettings());
    const file = await responses.prepareAttachment({ type: 'file', name: 'notes.md', mime: 'text/markdown' }, new TextEncoder().encode('# notes'), {});
    const { remoteId } = await responses.createThread(thread);
    const events = await collect(responses.reply({ thread: { ...thread, remoteId: remoteId! }, ...run, input: { ...input, content: [...input.content, file] } }));
    assert.equal((events.at(-1) as { status?: string }).status, 'complete');
    await listModels(deploymentSettings());
    assertAzureRequests(['POST /openai/files', 'POST /openai/conversations', 'POST /openai/responses', 'GET /openai/models']);
  });

  test('a deployment the resource does not have, and a missing setting, say what is wrong', async () => {
    const chat = (settings: ConnectionSettings) => collect(new ChatCompletionsBackend(settings, { maxTokensField: 'max_completion_tokens' }).reply({ thread: { ...thread, backend: 'chat' }, ...run }));
    await assert.rejects(chat(deploymentSettings('no-such-deployment')), (err: unknown) => {
      assert.equal(describeError(err).kind, 'notFound');
      assert.match(describeError(err).message, /no-such-deployment/);
      return true;
    });
    await assert.rejects(chat(deploymentSettings('')), /needs threadline\.azure\.deployment in your user settings/);
  });
});
