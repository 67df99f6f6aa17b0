// OpenAPI conformance: the stand-in's JSON bodies and stream events, taken straight off the wire,
// must validate against the schemas of the OpenAI spec (shared/reference/openai-openapi.yaml).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertConforms, specOrSkip } from './referenceSpec';
import { fetchJson, idOf, postRawSse, standInForFile } from './support';

const standIn = standInForFile();

function call(method: string, apiPath: string, body?: unknown, expectStatus = 200): Promise<Record<string, unknown>> {
  return fetchJson(standIn.current, method, apiPath, { body, expectStatus });
}

describe('OpenAPI conformance of the stand-in', () => {
  test('files', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    const form = new FormData();
    form.append('purpose', 'user_data');
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const file = await call('POST', '/files', form);
    assertConforms(v, 'OpenAIFile', file);
    assertConforms(v, 'OpenAIFile', await call('GET', `/files/${idOf(file)}`));
    assertConforms(v, 'ListFilesResponse', await call('GET', '/files?limit=5'));
    assertConforms(v, 'DeleteFileResponse', await call('DELETE', `/files/${idOf(file)}`));
  });

  test('conversations and items', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    const conversation = await call('POST', '/conversations', {
      metadata: { a: 'b' },
      items: [
        { type: 'message', role: 'user', content: 'hi' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] },
      ],
    });
    assertConforms(v, 'ConversationResource', conversation);
    const id = idOf(conversation);
    assertConforms(v, 'ConversationResource', await call('GET', `/conversations/${id}`));
    assertConforms(v, 'ConversationResource', await call('POST', `/conversations/${id}`, { metadata: { c: 'd' } }));
    const created = await call('POST', `/conversations/${id}/items`, { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] }] });
    assertConforms(v, 'ConversationItemList', created);
    const listed = await call('GET', `/conversations/${id}/items?limit=2`);
    assertConforms(v, 'ConversationItemList', listed);
    const first = (listed as { data: unknown[] }).data[0];
    assertConforms(v, 'ConversationItem', await call('GET', `/conversations/${id}/items/${idOf(first)}`));
    assertConforms(v, 'ConversationResource', await call('DELETE', `/conversations/${id}/items/${idOf(first)}`));
    assertConforms(v, 'DeletedConversationResource', await call('DELETE', `/conversations/${id}`));
  });

  test('responses: JSON, incomplete, failed, retrieve and input items', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    const conversation = idOf(await call('POST', '/conversations', {}));
    const response = await call('POST', '/responses', { model: 'gpt-4.1-mini', conversation, input: 'check the shape' });
    assertConforms(v, 'Response', response);
    assertConforms(v, 'Response', await call('GET', `/responses/${idOf(response)}`));
    assertConforms(v, 'ResponseItemList', await call('GET', `/responses/${idOf(response)}/input_items`));
    assertConforms(v, 'ConversationItemList', await call('GET', `/conversations/${conversation}/items`));
    const long = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    assertConforms(v, 'Response', await call('POST', '/responses', { model: 'gpt-4.1-mini', input: long, max_output_tokens: 16 }));
    standIn.current.injectFault({ path: '/responses', failResponse: true });
    assertConforms(v, 'Response', await call('POST', '/responses', { model: 'gpt-4.1-mini', input: 'fail please' }));
  });

  test('every streaming event is a ResponseStreamEvent', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    const streams = [
      { model: 'gpt-4.1-mini', input: 'stream me', stream: true },
      { model: 'gpt-4.1-mini', input: Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '), max_output_tokens: 16, stream: true },
    ];
    for (const body of streams) {
      const { events } = await postRawSse(standIn.current, '/responses', body);
      for (const { data } of events) assertConforms(v, 'ResponseStreamEvent', JSON.parse(data));
    }
    standIn.current.injectFault({ path: '/responses', errorEventAfter: 3 });
    const failing = await postRawSse(standIn.current, '/responses', streams[0]);
    assert.equal(failing.events.at(-1)?.event, 'error');
    for (const { data } of failing.events) assertConforms(v, 'ResponseStreamEvent', JSON.parse(data));
    standIn.current.injectFault({ path: '/responses', failResponse: true });
    const failed = await postRawSse(standIn.current, '/responses', streams[0]);
    assert.equal(failed.events.at(-1)?.event, 'response.failed');
    for (const { data } of failed.events) assertConforms(v, 'ResponseStreamEvent', JSON.parse(data));
  });

  test('models and errors', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    assertConforms(v, 'ListModelsResponse', await call('GET', '/models'));
    assertConforms(v, 'Model', await call('GET', '/models/gpt-4o'));
    assertConforms(v, 'ErrorResponse', await call('GET', '/models/none', undefined, 404));
    assertConforms(v, 'ErrorResponse', await call('POST', '/responses', { model: 'gpt-4o', input: 'x', max_output_tokens: 1 }, 400));
    const res = await fetch(`${standIn.current.baseUrl}/models`);
    assert.equal(res.status, 401);
    assertConforms(v, 'ErrorResponse', await res.json());
  });

  test('the validator rejects a wrong shape (so passing means something)', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    assert.notDeepEqual(v.check('OpenAIFile', { id: 'file-1', object: 'file' }), []);
    assert.notDeepEqual(v.check('ResponseStreamEvent', { type: 'response.output_text.delta', delta: 5 }), []);
  });
});
