// OpenAPI conformance of the stand-in's Assistants v2 family: JSON bodies and every stream frame,
// taken straight off the wire, must validate against the OpenAI spec's schemas.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertConforms, specOrSkip } from './referenceSpec';
import { ASSISTANTS_BETA, fetchJson, idOf, postRawSse, standInForFile } from './support';

const standIn = standInForFile();

function call(method: string, apiPath: string, body?: unknown, expectStatus = 200): Promise<Record<string, unknown>> {
  return fetchJson(standIn.current, method, apiPath, { body, expectStatus, headers: ASSISTANTS_BETA });
}

/** Every frame of a streamed call as `{event, data}`, the shape AssistantStreamEvent describes. */
async function frames(apiPath: string, body: unknown): Promise<Array<{ event: string; data: unknown }>> {
  const { events } = await postRawSse(standIn.current, apiPath, body, ASSISTANTS_BETA);
  return events.map(({ event = '', data }) => ({ event, data: data === '[DONE]' ? data : JSON.parse(data) }));
}

describe('OpenAPI conformance of the stand-in: assistants v2', () => {
  test('assistants, threads and messages', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    const assistant = await call('POST', '/assistants', { model: 'gpt-4o', name: 'A', tools: [{ type: 'file_search' }], metadata: { k: 'v' } });
    assertConforms(v, 'AssistantObject', assistant);
    assertConforms(v, 'AssistantObject', await call('POST', `/assistants/${idOf(assistant)}`, { description: 'd' }));
    assertConforms(v, 'ListAssistantsResponse', await call('GET', '/assistants?limit=1'));

    const form = new FormData();
    form.append('purpose', 'vision');
    form.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'dot.png');
    const image = await call('POST', '/files', form);
    const thread = await call('POST', '/threads', {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_file', image_file: { file_id: idOf(image) } }], attachments: [{ file_id: idOf(image), tools: [{ type: 'file_search' }] }] }],
    });
    assertConforms(v, 'ThreadObject', thread);
    assertConforms(v, 'ThreadObject', await call('POST', `/threads/${idOf(thread)}`, { metadata: { a: 'b' } }));
    const messages = await call('GET', `/threads/${idOf(thread)}/messages`);
    assertConforms(v, 'ListMessagesResponse', messages);
    const message = await call('POST', `/threads/${idOf(thread)}/messages`, { role: 'user', content: 'more' });
    assertConforms(v, 'MessageObject', message);
    assertConforms(v, 'DeleteMessageResponse', await call('DELETE', `/threads/${idOf(thread)}/messages/${idOf(message)}`));
    assertConforms(v, 'ErrorResponse', await call('GET', `/threads/${idOf(thread)}/messages/${idOf(message)}`, undefined, 404));
    assertConforms(v, 'DeleteThreadResponse', await call('DELETE', `/threads/${idOf(thread)}`));
    assertConforms(v, 'DeleteAssistantResponse', await call('DELETE', `/assistants/${idOf(assistant)}`));
  });

  test('runs and steps, JSON and every stream frame (completed, incomplete, failed, error, cancelled)', async (t) => {
    const v = specOrSkip(t);
    if (!v) return;
    const assistant = await call('POST', '/assistants', { model: 'stand-in-echo', instructions: 'Echo.' });
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob(['x,y\n1,2\n'], { type: 'text/csv' }), 'data.csv');
    const file = await call('POST', '/files', form);
    const thread = await call('POST', '/threads', { messages: [{ role: 'user', content: 'cite', attachments: [{ file_id: idOf(file), tools: [{ type: 'code_interpreter' }, { type: 'file_search' }] }] }] });
    const streams = [
      { assistant_id: idOf(assistant), stream: true, max_prompt_tokens: 500, max_completion_tokens: 500, truncation_strategy: { type: 'last_messages', last_messages: 3 } },
      { assistant_id: idOf(assistant), stream: true, max_completion_tokens: 256, additional_messages: [{ role: 'user', content: Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ') }] },
    ];
    for (const body of streams) {
      for (const frame of await frames(`/threads/${idOf(thread)}/runs`, body)) assertConforms(v, 'AssistantStreamEvent', frame);
    }
    standIn.current.injectFault({ path: `/threads/${idOf(thread)}/runs`, failResponse: true });
    for (const frame of await frames(`/threads/${idOf(thread)}/runs`, streams[0])) assertConforms(v, 'AssistantStreamEvent', frame);
    standIn.current.injectFault({ path: `/threads/${idOf(thread)}/runs`, errorEventAfter: 2 });
    const failing = await frames(`/threads/${idOf(thread)}/runs`, streams[0]);
    assert.equal(failing.at(-1)?.event, 'error');
    for (const frame of failing) assertConforms(v, 'AssistantStreamEvent', frame);
    for (const frame of await frames('/threads/runs', { assistant_id: idOf(assistant), thread: { messages: [{ role: 'user', content: 'hi' }] }, stream: true })) {
      assertConforms(v, 'AssistantStreamEvent', frame);
    }

    const run = await call('POST', `/threads/${idOf(thread)}/runs`, { assistant_id: idOf(assistant) });
    assertConforms(v, 'RunObject', run);
    assertConforms(v, 'RunObject', await call('POST', `/threads/${idOf(thread)}/runs/${idOf(run)}/cancel`));
    assertConforms(v, 'RunObject', await call('GET', `/threads/${idOf(thread)}/runs/${idOf(run)}`));
    assertConforms(v, 'ListRunsResponse', await call('GET', `/threads/${idOf(thread)}/runs`));
    const oldest = await call('GET', `/threads/${idOf(thread)}/runs?limit=1&order=asc`);
    const finished = (oldest.data as Array<Record<string, unknown>>)[0]!;
    const steps = await call('GET', `/threads/${idOf(thread)}/runs/${idOf(finished)}/steps`);
    assertConforms(v, 'ListRunStepsResponse', steps);
    const step = (steps.data as Array<Record<string, unknown>>)[0]!;
    assertConforms(v, 'RunStepObject', await call('GET', `/threads/${idOf(thread)}/runs/${idOf(finished)}/steps/${idOf(step)}`));
    assertConforms(v, 'ErrorResponse', await call('POST', `/threads/${idOf(thread)}/runs`, { assistant_id: idOf(assistant), max_completion_tokens: 1 }, 400));
  });
});
