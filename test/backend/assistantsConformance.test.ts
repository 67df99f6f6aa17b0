// OpenAPI conformance of the stand-in's Assistants v2 family: JSON bodies and every stream frame,
// taken straight off the wire, must validate against the OpenAI spec's schemas.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { loadSpecValidator } from './openapi';
import type { SpecValidator } from './openapi';
import { standInForFile, TEST_KEY } from './support';

const SPEC_FILE = path.resolve(process.cwd(), '../shared/reference/openai-openapi.yaml');
const standIn = standInForFile();
let validator: SpecValidator | undefined;

function spec(t: TestContext): SpecValidator | undefined {
  if (!fs.existsSync(SPEC_FILE)) {
    t.skip(`openai-openapi.yaml not found at ${SPEC_FILE}; conformance not checked`);
    return undefined;
  }
  validator ??= loadSpecValidator(SPEC_FILE);
  return validator;
}

function conforms(v: SpecValidator, schema: string, value: unknown): void {
  assert.deepEqual(v.check(schema, value), [], `${schema} does not match:\n${JSON.stringify(value, null, 1).slice(0, 1500)}`);
}

function headers(json: boolean): Record<string, string> {
  return { authorization: `Bearer ${TEST_KEY}`, 'openai-beta': 'assistants=v2', ...(json ? { 'content-type': 'application/json' } : {}) };
}

async function call(method: string, apiPath: string, body?: unknown, expectStatus = 200): Promise<Record<string, unknown>> {
  const init: RequestInit = { method, headers: headers(false) };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined && !(body instanceof FormData)) init.headers = headers(true);
  const res = await fetch(`${standIn.current.baseUrl}${apiPath}`, init);
  assert.equal(res.status, expectStatus, `${method} ${apiPath}`);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return (await res.json()) as Record<string, unknown>;
}

/** Every frame of a streamed call as `{event, data}`, the shape AssistantStreamEvent describes. */
async function frames(apiPath: string, body: unknown): Promise<Array<{ event: string; data: unknown }>> {
  const res = await fetch(`${standIn.current.baseUrl}${apiPath}`, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  return (await res.text())
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '';
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
}

function id(value: Record<string, unknown>): string {
  assert.equal(typeof value.id, 'string');
  return value.id as string;
}

describe('OpenAPI conformance of the stand-in: assistants v2', () => {
  test('assistants, threads and messages', async (t) => {
    const v = spec(t);
    if (!v) return;
    const assistant = await call('POST', '/assistants', { model: 'gpt-4o', name: 'A', tools: [{ type: 'file_search' }], metadata: { k: 'v' } });
    conforms(v, 'AssistantObject', assistant);
    conforms(v, 'AssistantObject', await call('POST', `/assistants/${id(assistant)}`, { description: 'd' }));
    conforms(v, 'ListAssistantsResponse', await call('GET', '/assistants?limit=1'));

    const form = new FormData();
    form.append('purpose', 'vision');
    form.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'dot.png');
    const image = await call('POST', '/files', form);
    const thread = await call('POST', '/threads', {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_file', image_file: { file_id: id(image) } }], attachments: [{ file_id: id(image), tools: [{ type: 'file_search' }] }] }],
    });
    conforms(v, 'ThreadObject', thread);
    conforms(v, 'ThreadObject', await call('POST', `/threads/${id(thread)}`, { metadata: { a: 'b' } }));
    const messages = await call('GET', `/threads/${id(thread)}/messages`);
    conforms(v, 'ListMessagesResponse', messages);
    const message = await call('POST', `/threads/${id(thread)}/messages`, { role: 'user', content: 'more' });
    conforms(v, 'MessageObject', message);
    conforms(v, 'DeleteMessageResponse', await call('DELETE', `/threads/${id(thread)}/messages/${id(message)}`));
    conforms(v, 'ErrorResponse', await call('GET', `/threads/${id(thread)}/messages/${id(message)}`, undefined, 404));
    conforms(v, 'DeleteThreadResponse', await call('DELETE', `/threads/${id(thread)}`));
    conforms(v, 'DeleteAssistantResponse', await call('DELETE', `/assistants/${id(assistant)}`));
  });

  test('runs and steps, JSON and every stream frame (completed, incomplete, failed, error, cancelled)', async (t) => {
    const v = spec(t);
    if (!v) return;
    const assistant = await call('POST', '/assistants', { model: 'stand-in-echo', instructions: 'Echo.' });
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob(['x,y\n1,2\n'], { type: 'text/csv' }), 'data.csv');
    const file = await call('POST', '/files', form);
    const thread = await call('POST', '/threads', { messages: [{ role: 'user', content: 'cite', attachments: [{ file_id: id(file), tools: [{ type: 'code_interpreter' }, { type: 'file_search' }] }] }] });
    const streams = [
      { assistant_id: id(assistant), stream: true, max_prompt_tokens: 500, max_completion_tokens: 500, truncation_strategy: { type: 'last_messages', last_messages: 3 } },
      { assistant_id: id(assistant), stream: true, max_completion_tokens: 256, additional_messages: [{ role: 'user', content: Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ') }] },
    ];
    for (const body of streams) {
      for (const frame of await frames(`/threads/${id(thread)}/runs`, body)) conforms(v, 'AssistantStreamEvent', frame);
    }
    standIn.current.injectFault({ path: `/threads/${id(thread)}/runs`, failResponse: true });
    for (const frame of await frames(`/threads/${id(thread)}/runs`, streams[0])) conforms(v, 'AssistantStreamEvent', frame);
    standIn.current.injectFault({ path: `/threads/${id(thread)}/runs`, errorEventAfter: 2 });
    const failing = await frames(`/threads/${id(thread)}/runs`, streams[0]);
    assert.equal(failing.at(-1)?.event, 'error');
    for (const frame of failing) conforms(v, 'AssistantStreamEvent', frame);
    for (const frame of await frames('/threads/runs', { assistant_id: id(assistant), thread: { messages: [{ role: 'user', content: 'hi' }] }, stream: true })) {
      conforms(v, 'AssistantStreamEvent', frame);
    }

    const run = await call('POST', `/threads/${id(thread)}/runs`, { assistant_id: id(assistant) });
    conforms(v, 'RunObject', run);
    conforms(v, 'RunObject', await call('POST', `/threads/${id(thread)}/runs/${id(run)}/cancel`));
    conforms(v, 'RunObject', await call('GET', `/threads/${id(thread)}/runs/${id(run)}`));
    conforms(v, 'ListRunsResponse', await call('GET', `/threads/${id(thread)}/runs`));
    const oldest = await call('GET', `/threads/${id(thread)}/runs?limit=1&order=asc`);
    const finished = (oldest.data as Array<Record<string, unknown>>)[0]!;
    const steps = await call('GET', `/threads/${id(thread)}/runs/${id(finished)}/steps`);
    conforms(v, 'ListRunStepsResponse', steps);
    const step = (steps.data as Array<Record<string, unknown>>)[0]!;
    conforms(v, 'RunStepObject', await call('GET', `/threads/${id(thread)}/runs/${id(finished)}/steps/${id(step)}`));
    conforms(v, 'ErrorResponse', await call('POST', `/threads/${id(thread)}/runs`, { assistant_id: id(assistant), max_completion_tokens: 1 }, 400));
  });
});
