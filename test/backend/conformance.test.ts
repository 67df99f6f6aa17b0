// OpenAPI conformance: the stand-in's JSON bodies and stream events, taken straight off the wire,
// must validate against the schemas of the OpenAI spec (shared/reference/openai-openapi.yaml).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { loadSpecValidator } from './openapi';
import type { SpecValidator } from './openapi';
import { postRawSse, standInForFile, TEST_KEY } from './support';

// Tests run from the repo root; the reference folder sits beside the repo.
const SPEC_FILE = path.resolve(process.cwd(), '../shared/reference/openai-openapi.yaml');
const standIn = standInForFile();
let validator: SpecValidator | undefined;

/** The validator, or undefined after marking the test skipped when the spec is absent. */
function spec(t: TestContext): SpecValidator | undefined {
  if (!fs.existsSync(SPEC_FILE)) {
    t.skip(`openai-openapi.yaml not found at ${SPEC_FILE}; conformance not checked`);
    return undefined;
  }
  validator ??= loadSpecValidator(SPEC_FILE);
  return validator;
}

function conforms(v: SpecValidator, schema: string, value: unknown): void {
  const errors = v.check(schema, value);
  assert.deepEqual(errors, [], `${schema} does not match:\n${JSON.stringify(value, null, 1).slice(0, 1500)}`);
}

/** Calls the stand-in with plain fetch and returns the parsed JSON body. */
async function call(method: string, apiPath: string, body?: unknown, expectStatus = 200): Promise<unknown> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${TEST_KEY}` } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await fetch(`${standIn.current.baseUrl}${apiPath}`, init);
  assert.equal(res.status, expectStatus, `${method} ${apiPath}`);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return res.json();
}

function idOf(value: unknown): string {
  assert.ok(value && typeof value === 'object' && 'id' in value && typeof value.id === 'string');
  return value.id;
}

describe('OpenAPI conformance of the stand-in', () => {
  test('files', async (t) => {
    const v = spec(t);
    if (!v) return;
    const form = new FormData();
    form.append('purpose', 'user_data');
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const file = await call('POST', '/files', form);
    conforms(v, 'OpenAIFile', file);
    conforms(v, 'OpenAIFile', await call('GET', `/files/${idOf(file)}`));
    conforms(v, 'ListFilesResponse', await call('GET', '/files?limit=5'));
    conforms(v, 'DeleteFileResponse', await call('DELETE', `/files/${idOf(file)}`));
  });

  test('conversations and items', async (t) => {
    const v = spec(t);
    if (!v) return;
    const conversation = await call('POST', '/conversations', {
      metadata: { a: 'b' },
      items: [
        { type: 'message', role: 'user', content: 'hi' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] },
      ],
    });
    conforms(v, 'ConversationResource', conversation);
    const id = idOf(conversation);
    conforms(v, 'ConversationResource', await call('GET', `/conversations/${id}`));
    conforms(v, 'ConversationResource', await call('POST', `/conversations/${id}`, { metadata: { c: 'd' } }));
    const created = await call('POST', `/conversations/${id}/items`, { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] }] });
    conforms(v, 'ConversationItemList', created);
    const listed = await call('GET', `/conversations/${id}/items?limit=2`);
    conforms(v, 'ConversationItemList', listed);
    const first = (listed as { data: unknown[] }).data[0];
    conforms(v, 'ConversationItem', await call('GET', `/conversations/${id}/items/${idOf(first)}`));
    conforms(v, 'ConversationResource', await call('DELETE', `/conversations/${id}/items/${idOf(first)}`));
    conforms(v, 'DeletedConversationResource', await call('DELETE', `/conversations/${id}`));
  });

  test('responses: JSON, incomplete, failed, retrieve and input items', async (t) => {
    const v = spec(t);
    if (!v) return;
    const conversation = idOf(await call('POST', '/conversations', {}));
    const response = await call('POST', '/responses', { model: 'gpt-4.1-mini', conversation, input: 'check the shape' });
    conforms(v, 'Response', response);
    conforms(v, 'Response', await call('GET', `/responses/${idOf(response)}`));
    conforms(v, 'ResponseItemList', await call('GET', `/responses/${idOf(response)}/input_items`));
    conforms(v, 'ConversationItemList', await call('GET', `/conversations/${conversation}/items`));
    const long = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    conforms(v, 'Response', await call('POST', '/responses', { model: 'gpt-4.1-mini', input: long, max_output_tokens: 16 }));
    standIn.current.injectFault({ path: '/responses', failResponse: true });
    conforms(v, 'Response', await call('POST', '/responses', { model: 'gpt-4.1-mini', input: 'fail please' }));
  });

  test('every streaming event is a ResponseStreamEvent', async (t) => {
    const v = spec(t);
    if (!v) return;
    const streams = [
      { model: 'gpt-4.1-mini', input: 'stream me', stream: true },
      { model: 'gpt-4.1-mini', input: Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '), max_output_tokens: 16, stream: true },
    ];
    for (const body of streams) {
      const { events } = await postRawSse(standIn.current, '/responses', body);
      for (const { data } of events) conforms(v, 'ResponseStreamEvent', JSON.parse(data));
    }
    standIn.current.injectFault({ path: '/responses', errorEventAfter: 3 });
    const failing = await postRawSse(standIn.current, '/responses', streams[0]);
    assert.equal(failing.events.at(-1)?.event, 'error');
    for (const { data } of failing.events) conforms(v, 'ResponseStreamEvent', JSON.parse(data));
    standIn.current.injectFault({ path: '/responses', failResponse: true });
    const failed = await postRawSse(standIn.current, '/responses', streams[0]);
    assert.equal(failed.events.at(-1)?.event, 'response.failed');
    for (const { data } of failed.events) conforms(v, 'ResponseStreamEvent', JSON.parse(data));
  });

  test('models and errors', async (t) => {
    const v = spec(t);
    if (!v) return;
    conforms(v, 'ListModelsResponse', await call('GET', '/models'));
    conforms(v, 'Model', await call('GET', '/models/gpt-4o'));
    conforms(v, 'ErrorResponse', await call('GET', '/models/none', undefined, 404));
    conforms(v, 'ErrorResponse', await call('POST', '/responses', { model: 'gpt-4o', input: 'x', max_output_tokens: 1 }, 400));
    const res = await fetch(`${standIn.current.baseUrl}/models`);
    assert.equal(res.status, 401);
    conforms(v, 'ErrorResponse', await res.json());
  });

  test('the validator rejects a wrong shape (so passing means something)', async (t) => {
    const v = spec(t);
    if (!v) return;
    assert.notDeepEqual(v.check('OpenAIFile', { id: 'file-1', object: 'file' }), []);
    assert.notDeepEqual(v.check('ResponseStreamEvent', { type: 'response.output_text.delta', delta: 5 }), []);
  });
});
