// AssistantsBackend end to end: the real SDK over real HTTP against the stand-in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIUserAbortError, InternalServerError, NotFoundError } from 'openai';
import type OpenAI from 'openai';
import { historyFrom } from '../../src/core/backends/backend';
import type { ConnectionSettings, ReplyEvent, ReplyRequest } from '../../src/core/backends/backend';
import { AssistantsBackend } from '../../src/core/backends/assistantsBackend';
import type { AssistantsOptions } from '../../src/core/backends/assistantsBackend';
import { assistantsGoneMessage, describeAssistantsGone } from '../../src/core/backends/assistants/gone';
import { describeError } from '../../src/core/backends/errors';
import type { ContentPart, ContextLimits, Message, ThreadMeta } from '../../src/core/model';
import type { StandIn } from '../stand-in/index';
import { expectedReply, splitDeltas } from '../stand-in/index';
import { failing, splitReply } from './replies';
import { collect, sdkClient, settingsFor, standInForFile } from './support';

const standIn = standInForFile();
// A few milliseconds between deltas, so a stop or a second send lands while a run is going.
const slowStandIn = standInForFile({ deltaDelayMs: 10 });

const MODEL = 'stand-in-echo';
const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

function backend(target: StandIn = standIn.current, options: AssistantsOptions = {}, overrides: Partial<ConnectionSettings> = {}): AssistantsBackend {
  return new AssistantsBackend(settingsFor(target, overrides), options);
}

async function newThread(b: AssistantsBackend, id = 'th_local'): Promise<ThreadMeta> {
  const thread: ThreadMeta = { id, title: 't', createdAt: 0, updatedAt: 0, backend: 'assistants', messageCount: 0 };
  thread.remoteId = (await b.createThread(thread)).remoteId;
  return thread;
}

let counter = 0;
function userMessage(thread: ThreadMeta, content: ContentPart[]): Message {
  return { id: `msg_local_${++counter}`, threadId: thread.id, role: 'user', content, createdAt: 0, status: 'complete' };
}

function request(thread: ThreadMeta, content: string | ContentPart[], extra: { signal?: AbortSignal; limits?: ContextLimits } = {}): ReplyRequest {
  const parts: ContentPart[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  return { thread, history: historyFrom([]), input: userMessage(thread, parts), model: MODEL, signal: extra.signal ?? new AbortController().signal, ...(extra.limits ? { limits: extra.limits } : {}) };
}

function textOf(message: OpenAI.Beta.Threads.Message): string {
  return message.content.map((part) => (part.type === 'text' ? part.text.value : '')).join('');
}

async function threadMessages(target: StandIn, threadId: string): Promise<Array<[string, string]>> {
  const page = await sdkClient(target).beta.threads.messages.list(threadId, { order: 'asc', limit: 100 });
  return page.data.map((m) => [m.role, textOf(m)]);
}

function requestsTo(target: StandIn, method: string, path: RegExp) {
  return target.requests.filter((r) => r.method === method && path.test(r.path));
}

describe('AssistantsBackend', () => {
  test('createThread, two reply turns on the server thread, then deleteThread', async () => {
    const b = backend();
    assert.equal(b.kind, 'assistants');
    const thread = await newThread(b, 'th_two_turns');
    assert.match(thread.remoteId ?? '', /^thread_/);
    const client = sdkClient(standIn.current);
    assert.deepEqual((await client.beta.threads.retrieve(thread.remoteId!)).metadata, { threadline_thread: 'th_two_turns' });

    const first = splitReply(await collect(b.reply(request(thread, 'What is a thread?'))));
    assert.equal(first.text, expectedReply('What is a thread?'));
    assert.equal(first.done.status, 'complete');
    assert.equal(first.done.model, MODEL);
    assert.equal(first.done.text, undefined, 'no separate final text when it equals the deltas');
    assert.ok(first.done.usage && first.done.usage.inputTokens > 0);
    assert.equal(first.done.usage.outputTokens, splitDeltas(expectedReply('What is a thread?')).length);

    const events = await collect(b.reply(request(thread, 'And a second question')));
    assert.ok(events.filter((e) => e.type === 'delta').length > 1, 'the reply streams in several deltas');
    const second = splitReply(events);
    assert.equal(second.text, expectedReply('And a second question'));
    assert.ok(second.done.usage!.inputTokens > first.done.usage!.inputTokens, 'the whole thread is the prompt');

    assert.deepEqual(await threadMessages(standIn.current, thread.remoteId!), [
      ['user', 'What is a thread?'],
      ['assistant', expectedReply('What is a thread?')],
      ['user', 'And a second question'],
      ['assistant', expectedReply('And a second question')],
    ]);
    const [newest] = (await client.beta.threads.messages.list(thread.remoteId!, { limit: 1 })).data;
    assert.equal(second.done.remoteId, newest?.id);

    const message = requestsTo(standIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/messages$`)).at(-1);
    assert.deepEqual(message?.body, { role: 'user', content: [{ type: 'text', text: 'And a second question' }] });

    await b.deleteThread(thread.remoteId!);
    await assert.rejects(client.beta.threads.retrieve(thread.remoteId!), NotFoundError);
  });

  test("Threadline's assistant is found by its metadata, else created, and remembered", async () => {
    const client = sdkClient(standIn.current);
    // Another organization is another account: a cache key of its own, so this test starts cold.
    const org = { organization: 'org_find_or_create' };
    const existing = await client.beta.assistants.create({ model: 'gpt-4o', metadata: { threadline: 'default', model: 'gpt-4o' } });
    await client.beta.assistants.create({ model: 'gpt-4.1-mini', metadata: { threadline: 'other', model: 'gpt-4.1-mini' } });

    const creates = () => requestsTo(standIn.current, 'POST', /\/assistants$/).length;
    const before = creates();
    assert.equal(await backend(standIn.current, {}, org).ensureAssistant('gpt-4o'), existing.id, 'found by metadata');
    assert.equal(creates(), before, 'nothing created');

    const made = await backend(standIn.current, { instructions: 'Answer briefly.' }, org).ensureAssistant('gpt-4.1-mini');
    assert.notEqual(made, existing.id);
    assert.equal(creates(), before + 1);
    const assistant = await client.beta.assistants.retrieve(made);
    assert.deepEqual(
      { name: assistant.name, model: assistant.model, instructions: assistant.instructions, tools: assistant.tools, metadata: assistant.metadata },
      { name: 'Threadline', model: 'gpt-4.1-mini', instructions: 'Answer briefly.', tools: [{ type: 'code_interpreter' }, { type: 'file_search' }], metadata: { threadline: 'default', model: 'gpt-4.1-mini' } },
    );

    // Backends are built per send: a new one for the same server and model asks nothing.
    const seen = standIn.current.requests.length;
    assert.equal(await backend(standIn.current, {}, org).ensureAssistant('gpt-4.1-mini'), made);
    assert.equal(standIn.current.requests.length, seen);

    // A configured assistant is used as is.
    assert.equal(await backend(standIn.current, { assistantId: 'asst_configured' }, org).ensureAssistant('gpt-4o'), 'asst_configured');
    assert.equal(standIn.current.requests.length, seen);

    // Deleted on the server since: the next reply makes a new one instead of failing.
    await client.beta.assistants.delete(made);
    const b = backend(standIn.current, {}, org);
    const thread = await newThread(b);
    const reply = splitReply(await collect(b.reply({ ...request(thread, 'still there?'), model: 'gpt-4.1-mini' })));
    assert.equal(reply.text, expectedReply('still there?'));
    assert.notEqual(await b.ensureAssistant('gpt-4.1-mini'), made);
  });

  test('limits go on the run; max_completion_tokens ends the reply incomplete with its reason', async () => {
    const b = backend();
    const thread = await newThread(b);
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    const limits: ContextLimits = { maxPromptTokens: 4000, maxCompletionTokens: 256, truncation: { type: 'last_messages', lastMessages: 6 } };
    const { text, done } = splitReply(await collect(b.reply(request(thread, words, { limits }))));
    assert.equal(done.status, 'incomplete');
    assert.equal(done.reason, 'max_completion_tokens');
    assert.equal(text, splitDeltas(expectedReply(words)).slice(0, 256).join(''));
    assert.equal(done.usage?.outputTokens, 256);

    const run = requestsTo(standIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/runs$`)).at(-1);
    const assistantId = await b.ensureAssistant(MODEL);
    assert.deepEqual(run?.body, {
      assistant_id: assistantId,
      model: MODEL,
      stream: true,
      max_prompt_tokens: 4000,
      max_completion_tokens: 256,
      truncation_strategy: { type: 'last_messages', last_messages: 6 },
    });

    // The prompt cannot shrink below one 300-word message.
    const prompt = splitReply(await collect(b.reply(request(thread, words, { limits: { maxPromptTokens: 256, truncation: { type: 'auto' } } }))));
    assert.equal(prompt.done.status, 'incomplete');
    assert.equal(prompt.done.reason, 'max_prompt_tokens');
    assert.equal(prompt.text, '');
    assert.deepEqual(requestsTo(standIn.current, 'POST', /\/runs$/).at(-1)?.body, { assistant_id: assistantId, model: MODEL, stream: true, max_prompt_tokens: 256, truncation_strategy: { type: 'auto' } });

    // Limits below the API's minimum of 256 (set while the thread spoke another dialect) are
    // raised to it, so the run is not refused.
    const small = splitReply(await collect(b.reply(request(thread, 'short question', { limits: { maxPromptTokens: 100_000, maxCompletionTokens: 16 } }))));
    assert.equal(small.done.status, 'complete');
    assert.equal(small.text, expectedReply('short question'));
    const raised = requestsTo(standIn.current, 'POST', /\/runs$/).at(-1)?.body as { max_completion_tokens?: number; max_prompt_tokens?: number };
    assert.equal(raised.max_completion_tokens, 256);
    assert.equal(raised.max_prompt_tokens, 100_000);
  });

  test('an uploaded file is attached for file_search and cited: the annotation spans its marker in done.text', async () => {
    const b = backend();
    const thread = await newThread(b);
    const content = 'Threads keep their history on the server.\nMore lines.';
    const part = await b.prepareAttachment({ type: 'file', name: 'notes.md', mime: 'text/markdown' }, Buffer.from(content), {});
    assert.ok(part.type === 'file' && part.fileId?.startsWith('file-'));
    assert.equal(part.bytes, Buffer.byteLength(content));
    const upload = requestsTo(standIn.current, 'POST', /\/files$/).at(-1);
    assert.deepEqual((upload?.body as { fields: unknown }).fields, { purpose: 'assistants' });

    const { text, done } = splitReply(await collect(b.reply(request(thread, [{ type: 'text', text: 'Summarise' }, part]))));
    const marker = '【4:0†notes.md】';
    assert.equal(done.text, `${expectedReply('Summarise')}${marker}`);
    assert.equal(text, done.text, 'the marker streamed as a delta too');
    assert.deepEqual(done.annotations, [
      { type: 'file_citation', start: expectedReply('Summarise').length, end: expectedReply('Summarise').length + marker.length, fileId: part.fileId, quote: 'Threads keep their history on the server.' },
    ]);
    // The marker's name is the model's to write; the file's real name comes from the Files API.
    assert.equal(await b.fileName(part.fileId!), 'notes.md');
    const [annotation] = done.annotations!;
    assert.equal(done.text!.slice(annotation!.start, annotation!.end), marker);

    const sent = requestsTo(standIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/messages$`)).at(-1);
    assert.deepEqual(sent?.body, { role: 'user', content: [{ type: 'text', text: 'Summarise' }], attachments: [{ file_id: part.fileId, tools: [{ type: 'file_search' }] }] });
  });

  test('a data file goes to code_interpreter: a file_path annotation to a file that can be downloaded', async () => {
    const b = backend();
    const thread = await newThread(b);
    const part = await b.prepareAttachment({ type: 'file', name: 'sales.csv', mime: 'text/csv' }, Buffer.from('month,total\njan,3\nfeb,5\n'), {});
    assert.ok(part.type === 'file' && part.fileId);
    // A message of attachments only still sends some text.
    const { done } = splitReply(await collect(b.reply(request(thread, [part]))));
    const sent = requestsTo(standIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/messages$`)).at(-1);
    assert.deepEqual(sent?.body, { role: 'user', content: [{ type: 'text', text: 'Attached: sales.csv' }], attachments: [{ file_id: part.fileId, tools: [{ type: 'code_interpreter' }] }] });

    const path = done.annotations?.find((a) => a.type === 'file_path');
    assert.ok(path?.fileId, JSON.stringify(done.annotations));
    assert.equal(done.text!.slice(path.start, path.end), 'sandbox:/mnt/data/sales-summary.txt');
    assert.equal(path.filename, 'sales-summary.txt');
    const download = await sdkClient(standIn.current).files.content(path.fileId);
    assert.equal(await download.text(), 'Summary of sales.csv: 24 bytes, 3 lines.\n');
  });

  test('an image is checked, uploaded with purpose vision and sent as an image_file part', async () => {
    const b = backend();
    const thread = await newThread(b);
    // The declared type is wrong; the bytes decide.
    const part = await b.prepareAttachment({ type: 'image', name: 'shot.png', mime: 'application/octet-stream', dataUrl: 'data:,' }, PNG, {});
    assert.ok(part.type === 'image' && part.fileId);
    assert.equal(part.mime, 'image/png');
    const upload = requestsTo(standIn.current, 'POST', /\/files$/).at(-1)?.body as { fields: unknown; files: Array<{ filename: string; contentType: string }> };
    assert.deepEqual(upload.fields, { purpose: 'vision' });
    assert.deepEqual([upload.files[0]?.filename, upload.files[0]?.contentType], ['shot.png', 'image/png']);

    splitReply(await collect(b.reply(request(thread, [{ type: 'text', text: 'What is this?' }, part]))));
    const sent = requestsTo(standIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/messages$`)).at(-1);
    assert.deepEqual(sent?.body, {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_file', image_file: { file_id: part.fileId, detail: 'auto' } },
      ],
    });
  });

  test('an image type Assistants cannot take is refused before any upload, naming the allowed types', async () => {
    const b = backend();
    const before = standIn.current.requests.length;
    const bmp = new Uint8Array([0x42, 0x4d, 0x3a, 0, 0, 0, 0, 0]);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>');
    for (const [name, data] of [['icon.bmp', bmp], ['logo.png', svg]] as const) {
      await assert.rejects(b.prepareAttachment({ type: 'image', name, mime: 'image/png' }, data, {}), (err: Error) => {
        assert.equal(err.message, `${name} is not a PNG, JPEG, GIF or WebP image; only those image types can be attached.`);
        return true;
      });
    }
    assert.equal(standIn.current.requests.length, before);
  });

  test('an upload can be stopped midway: cancelled, and no file is left on the server', async () => {
    const b = backend();
    const files = standIn.current.state.files.size;
    const controller = new AbortController();
    const progress: number[] = [];
    const error = await b
      .prepareAttachment({ type: 'file', name: 'big.bin' }, new Uint8Array(1024 * 1024), {
        signal: controller.signal,
        onProgress: (sent) => {
          progress.push(sent);
          if (sent > 0) controller.abort();
        },
      })
      .then(() => assert.fail('the upload finished'), (err: unknown) => err);
    assert.equal(describeError(error).kind, 'cancelled');
    assert.ok(progress.at(-1)! < 1024 * 1024, 'stopped before the end');
    assert.equal(standIn.current.state.files.size, files);
  });

  test('a send while a run is active waits for it, then goes through', async () => {
    const b = backend();
    const thread = await newThread(b);
    // A run started elsewhere (non-streamed: it moves on only when polled).
    const client = sdkClient(standIn.current);
    await client.beta.threads.messages.create(thread.remoteId!, { role: 'user', content: 'from elsewhere' });
    const other = await client.beta.threads.runs.create(thread.remoteId!, { assistant_id: await b.ensureAssistant(MODEL) });
    assert.equal(other.status, 'queued');

    const { text } = splitReply(await collect(b.reply(request(thread, 'queued behind it'))));
    assert.equal(text, expectedReply('queued behind it'));
    assert.equal((await client.beta.threads.runs.retrieve(other.id, { thread_id: thread.remoteId! })).status, 'completed');
    assert.deepEqual(await threadMessages(standIn.current, thread.remoteId!), [
      ['user', 'from elsewhere'],
      ['assistant', expectedReply('from elsewhere')],
      ['user', 'queued behind it'],
      ['assistant', expectedReply('queued behind it')],
    ]);
    const posts = requestsTo(standIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/messages$`));
    assert.equal(posts.length, 3, 'the refused message was sent again once the run had ended');
  });

  test('two sends in a row: the second waits for the first streamed run and completes after it', async () => {
    const b = backend(slowStandIn.current);
    const thread = await newThread(b);
    const finished: string[] = [];
    let second: Promise<ReplyEvent[]> | undefined;
    const firstRun = (async () => {
      for await (const event of b.reply(request(thread, LONG_TEXT))) {
        second ??= collect(b.reply(request(thread, 'me next'))).then((events) => (finished.push('second'), events));
        if (event.type === 'done') finished.push('first');
      }
    })();
    await firstRun;
    const secondEvents = await second!;
    assert.deepEqual(finished, ['first', 'second']);
    assert.equal(splitReply(secondEvents).text, expectedReply('me next'));
    assert.deepEqual((await threadMessages(slowStandIn.current, thread.remoteId!)).map(([role, text]) => `${role}: ${text}`), [
      `user: ${LONG_TEXT}`,
      `assistant: ${expectedReply(LONG_TEXT)}`,
      'user: me next',
      `assistant: ${expectedReply('me next')}`,
    ]);
  });

  test('stop mid-reply: the run is cancelled on the server and the reply reads as cancelled', async () => {
    const b = backend(slowStandIn.current);
    const thread = await newThread(b);
    const controller = new AbortController();
    const { events, error } = await failing(b.reply(request(thread, LONG_TEXT, { signal: controller.signal })), () => controller.abort());
    assert.ok(events.length >= 1 && !events.some((e) => e.type === 'done'));
    assert.ok(error instanceof APIUserAbortError);
    assert.equal(describeError(error).kind, 'cancelled');
    const cancels = requestsTo(slowStandIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/runs/run_[^/]+/cancel$`));
    assert.equal(cancels.length, 1);
    const [run] = (await sdkClient(slowStandIn.current).beta.threads.runs.list(thread.remoteId!, { limit: 1 })).data;
    assert.ok(run && ['cancelling', 'cancelled'].includes(run.status), run?.status);
  });

  test('a consumer that stops reading (as the chat service does on stop) also cancels the run', async () => {
    const b = backend(slowStandIn.current);
    const thread = await newThread(b);
    for await (const event of b.reply(request(thread, LONG_TEXT))) {
      if (event.type === 'delta') break;
    }
    assert.equal(requestsTo(slowStandIn.current, 'POST', new RegExp(`/threads/${thread.remoteId}/runs/run_[^/]+/cancel$`)).length, 1);
  });

  test('a failed run, an error event and a dropped stream each fail the reply with a clear kind', async () => {
    const b = backend();
    const thread = await newThread(b);
    const runs = `/threads/${thread.remoteId}/runs`;

    standIn.current.injectFault({ path: runs, failResponse: true, code: 'rate_limit_exceeded', message: 'Too many runs right now.' });
    const failed = await failing(b.reply(request(thread, 'one')));
    assert.deepEqual(describeError(failed.error), { kind: 'server', message: 'The server could not finish the reply (rate_limit_exceeded): Too many runs right now. Try again in a moment.' });

    standIn.current.injectFault({ path: runs, errorEventAfter: 8, message: 'The model crashed halfway.' });
    const errored = await failing(b.reply(request(thread, 'two words')));
    assert.equal(errored.events.filter((e) => e.type === 'delta').length, 1);
    assert.equal(describeError(errored.error).kind, 'server');
    assert.match(describeError(errored.error).message, /The model crashed halfway\./);

    const cancels = () => requestsTo(standIn.current, 'POST', new RegExp(`${runs}/run_[^/]+/cancel$`)).length;
    const cancelsBefore = cancels();
    standIn.current.injectFault({ path: runs, cutAfterEvents: 9 });
    const cut = await failing(b.reply(request(thread, 'three more words')));
    assert.equal(cut.events.filter((e) => e.type === 'delta').length, 2);
    assert.equal(describeError(cut.error).kind, 'network');
    // The run had not ended, so the backend tried to cancel it (it may have finished meanwhile).
    assert.equal(cancels(), cancelsBefore + 1);
  });

  test("api.openai.com's 404 says the Assistants API was turned off; other servers' 404s do not", async () => {
    const notFound = new NotFoundError(404, { message: 'Invalid URL (POST /v1/threads)', type: 'invalid_request_error', param: null, code: null }, undefined, new Headers());
    assert.equal(describeAssistantsGone(notFound, 'https://api.openai.com/v1'), assistantsGoneMessage());
    assert.equal(describeAssistantsGone(notFound, 'https://API.OpenAI.com/v1/'), assistantsGoneMessage());
    assert.equal(describeAssistantsGone(notFound, 'http://localhost:1234/v1'), undefined);
    assert.equal(describeAssistantsGone(notFound, 'https://api.openai.com.evil.example/v1'), undefined);
    assert.equal(describeAssistantsGone(notFound, 'not a url'), undefined);
    const serverError = new InternalServerError(500, { message: 'boom', type: 'server_error', param: null, code: null }, undefined, new Headers());
    assert.equal(describeAssistantsGone(serverError, 'https://api.openai.com/v1'), undefined);
    assert.equal(describeAssistantsGone(new Error('404'), 'https://api.openai.com/v1'), undefined);
    assert.match(assistantsGoneMessage(), /2026-08-26.*Conversations \+ Responses \(Threadline: Choose Backend\)/);

    // End to end: the backend believes it talks to api.openai.com; the requests reach the stand-in.
    const viaOpenAI = new AssistantsBackend(
      settingsFor(standIn.current, {
        baseUrl: 'https://api.openai.com/v1',
        fetch: (input, init) => fetch(String(input).replace('https://api.openai.com/v1', standIn.current.baseUrl), init),
      }),
    );
    standIn.current.injectFault({ path: '/threads', status: 404, message: 'Invalid URL (POST /v1/threads)' });
    const gone = await viaOpenAI.createThread({ id: 't', title: 't', createdAt: 0, updatedAt: 0, backend: 'assistants', messageCount: 0 }).then(() => assert.fail('expected a 404'), (err: unknown) => err);
    assert.deepEqual(describeError(gone), { kind: 'retired', message: assistantsGoneMessage() });

    standIn.current.injectFault({ path: '/threads', status: 404, message: 'Invalid URL (POST /v1/threads)' });
    const local = await backend().createThread({ id: 't', title: 't', createdAt: 0, updatedAt: 0, backend: 'assistants', messageCount: 0 }).then(() => assert.fail('expected a 404'), (err: unknown) => err);
    assert.equal(describeError(local).kind, 'notFound');
  });
});
