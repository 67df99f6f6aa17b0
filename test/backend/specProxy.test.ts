// Spec conformance on the wire, both ways: the real backends drive each dialect's real flows
// through a validating proxy (specProxy.ts) to the stand-in, and every request the SDK sends and
// every reply and stream event the stand-in returns must match the OpenAI spec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { historyFrom } from '../../src/core/backends/backend';
import type { ConnectionSettings, ReplyEvent, ReplyRequest } from '../../src/core/backends/backend';
import { AssistantsBackend } from '../../src/core/backends/assistantsBackend';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { downloadFile } from '../../src/core/backends/fileDownload';
import { listModels } from '../../src/core/backends/models';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import type { AttachmentPart, ContentPart, ContextLimits, Message, ThreadMeta } from '../../src/core/model';
import { expectedReply } from '../stand-in/index';
import { formatViolations, SPEC_FILE, SPEC_MISSING, startSpecProxy } from './specProxy';
import type { SpecProxy } from './specProxy';
import { collect, sdkClient, settingsFor, standInForFile, TEST_KEY } from './support';

const standIn = standInForFile();
// A few milliseconds between deltas, so a stop lands while a run is still streaming.
const slowStandIn = standInForFile({ deltaDelayMs: 10 });

const MODEL = 'stand-in-echo';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% release notes\n');
const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

const specPresent = fs.existsSync(SPEC_FILE);
let proxy: SpecProxy | undefined;
let slowProxy: SpecProxy | undefined;

/** Starts the proxies inside the suite, so that the file's stand-ins are up by then. */
function proxiesForSuite(): void {
  before(async () => {
    if (!specPresent) return;
    proxy = await startSpecProxy(standIn.current.baseUrl);
    slowProxy = await startSpecProxy(slowStandIn.current.baseUrl);
  });
  after(async () => {
    await proxy?.close();
    await slowProxy?.close();
  });
}


/** The proxy, or undefined after marking the test skipped when the spec is absent. */
function proxyOrSkip(t: TestContext, which: () => SpecProxy | undefined = () => proxy): SpecProxy | undefined {
  if (!specPresent) {
    t.skip(SPEC_MISSING);
    return undefined;
  }
  const started = which();
  assert.ok(started, 'the proxy started');
  return started;
}

/** Backend settings that reach the stand-in through `through`. */
function via(through: SpecProxy, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return settingsFor(standIn.current, { baseUrl: through.baseUrl, ...overrides });
}

/** Runs `flow`, then asserts that it conformed and that the proxy saw each of `operations`. */
async function conforming(through: SpecProxy, operations: string[], flow: () => Promise<void>): Promise<void> {
  const firstViolation = through.violations.length;
  const firstCall = through.calls.length;
  await flow();
  const violations = through.violations.slice(firstViolation);
  assert.equal(violations.length, 0, `the wire broke the spec:\n${formatViolations(violations)}`);
  const seen = new Set(through.calls.slice(firstCall).map((c) => c.operation ?? `${c.method} ${c.path} (no operation)`));
  const missing = operations.filter((op) => !seen.has(op));
  assert.deepEqual(missing, [], `operations the flow should have made; seen: ${[...seen].join(', ')}`);
}

function thread(backend: ThreadMeta['backend'], id: string): ThreadMeta {
  return { id, title: 'Spec', createdAt: 0, updatedAt: 0, backend, messageCount: 0 };
}

let counter = 0;
function message(threadId: string, role: Message['role'], content: string | ContentPart[]): Message {
  counter += 1;
  return { id: `m_${counter}`, threadId, role, content: typeof content === 'string' ? [{ type: 'text', text: content }] : content, createdAt: counter, status: 'complete' };
}

function request(on: ThreadMeta, content: string | ContentPart[], extra: { history?: Message[]; limits?: ContextLimits; signal?: AbortSignal } = {}): ReplyRequest {
  return {
    thread: on,
    history: historyFrom(extra.history ?? []),
    input: message(on.id, 'user', content),
    model: MODEL,
    signal: extra.signal ?? new AbortController().signal,
    ...(extra.limits ? { limits: extra.limits } : {}),
  };
}

function done(events: ReplyEvent[]): Extract<ReplyEvent, { type: 'done' }> {
  const last = events.at(-1);
  assert.ok(last?.type === 'done', `the reply ended with done, not ${JSON.stringify(last)}`);
  return last;
}

function textOf(events: ReplyEvent[]): string {
  return events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
}

describe('the wire conforms to the OpenAI spec, through a validating proxy', () => {
  proxiesForSuite();

  test('Responses: thread, streamed replies, image and file attachments, limits, delete', async (t) => {
    const p = proxyOrSkip(t);
    if (!p) return;
    await conforming(
      p,
      [
        'POST /conversations',
        'POST /responses',
        'POST /files',
        'GET /files/{file_id}',
        'POST /conversations/{conversation_id}/items',
        'POST /responses/input_tokens',
        'GET /conversations/{conversation_id}/items',
        'DELETE /conversations/{conversation_id}/items/{item_id}',
        'DELETE /conversations/{conversation_id}',
      ],
      async () => {
        const backend = new ResponsesBackend(via(p));
        const th = thread('responses', 'th_spec_responses');
        th.remoteId = (await backend.createThread(th, [message(th.id, 'user', 'imported'), message(th.id, 'assistant', 'earlier answer')])).remoteId;
        assert.match(th.remoteId ?? '', /^conv_/);

        for (const question of ['first question', 'second question']) {
          const events = await collect(backend.reply(request(th, question)));
          assert.equal(textOf(events), expectedReply(question));
        }

        const image = await backend.prepareAttachment({ type: 'image', name: 'dot.png', mime: 'image/png' }, PNG, {});
        const pdf = await backend.prepareAttachment({ type: 'file', name: 'notes.pdf', mime: 'application/pdf' }, PDF, {});
        const cited = done(await collect(backend.reply(request(th, [{ type: 'text', text: 'What are these?' }, image, pdf] as ContentPart[]))));
        assert.ok(cited.annotations?.some((a) => a.fileId === (pdf as AttachmentPart).fileId), 'the file is cited');
        assert.equal(await backend.fileName((pdf as AttachmentPart).fileId ?? ''), 'notes.pdf');

        const cut = done(await collect(backend.reply(request(th, LONG_TEXT, { limits: { maxCompletionTokens: 5, truncation: { type: 'auto' } } }))));
        assert.equal(cut.status, 'incomplete');

        // last_messages and a prompt budget: explicit input, then the turn appended to the conversation.
        const history = [message(th.id, 'user', 'first question'), message(th.id, 'assistant', expectedReply('first question'))];
        const trimmed = done(await collect(backend.reply(request(th, 'third question', { history, limits: { truncation: { type: 'last_messages', lastMessages: 2 }, maxPromptTokens: 1000 } }))));
        assert.ok(trimmed.remoteId, 'the turn was appended');

        const listed = [];
        for await (const m of backend.listMessages(th.remoteId ?? '')) listed.push(m);
        assert.ok(listed.length >= 8);
        // Item by item (a conversation's delete leaves its items), then the conversation.
        await backend.deleteThread(th.remoteId ?? '');
        assert.equal(standIn.current.state.itemsOfDeletedConversations.has(th.remoteId ?? ''), false, 'items were left behind');
      },
    );
  });

  test('Responses: a web citation, a generated container file and its download', async (t) => {
    const p = proxyOrSkip(t);
    if (!p) return;
    await conforming(p, ['POST /responses', 'GET /containers/{container_id}/files/{file_id}/content'], async () => {
      const backend = new ResponsesBackend(via(p));
      const th = thread('responses', 'th_spec_links');
      th.remoteId = (await backend.createThread(th)).remoteId;
      const reply = done(await collect(backend.reply(request(th, 'Read https://example.com/a and generate a file named out.txt'))));
      assert.deepEqual(reply.annotations?.map((a) => a.type), ['url_citation', 'container_file_citation']);
      const generated = reply.annotations![1]!;
      const file = await downloadFile(via(p), generated.fileId!, { containerId: generated.containerId!, name: generated.filename! });
      assert.equal(file.name, 'out.txt');
    });
  });

  test('Assistants: assistant, thread, a cited file, a stopped run, delete', async (t) => {
    const p = proxyOrSkip(t);
    if (!p) return;
    await conforming(
      p,
      [
        'GET /assistants',
        'POST /assistants',
        'POST /threads',
        'POST /files',
        'POST /threads/{thread_id}/messages',
        'POST /threads/{thread_id}/runs',
        'GET /files/{file_id}',
        'GET /files/{file_id}/content',
        'GET /threads/{thread_id}/messages',
        'DELETE /threads/{thread_id}',
      ],
      async () => {
        // An organization of its own, so the assistant cache starts cold and the lookup goes on the wire.
        const backend = new AssistantsBackend(via(p, { organization: 'org_spec_proxy' }));
        assert.match(await backend.ensureAssistant(MODEL), /^asst_/);
        const th = thread('assistants', 'th_spec_assistants');
        th.remoteId = (await backend.createThread(th, [message(th.id, 'user', 'imported')])).remoteId;

        const part = await backend.prepareAttachment({ type: 'file', name: 'notes.md', mime: 'text/markdown' }, Buffer.from('Threads keep their history on the server.\n'), {});
        const cited = done(await collect(backend.reply(request(th, [{ type: 'text', text: 'Summarise' }, part], { limits: { maxCompletionTokens: 500, truncation: { type: 'last_messages', lastMessages: 4 } } }))));
        const [annotation] = cited.annotations ?? [];
        assert.equal(annotation?.fileId, (part as AttachmentPart).fileId, 'the file is cited');
        assert.equal(await backend.fileName(annotation?.fileId ?? ''), 'notes.md');
        // Opening the footnote downloads the file.
        assert.equal((await downloadFile(via(p), annotation?.fileId ?? '')).name, 'notes.md');

        const listed = [];
        for await (const m of backend.listMessages(th.remoteId ?? '')) listed.push(m);
        assert.ok(listed.length >= 3);
        await backend.deleteThread(th.remoteId ?? '');
      },
    );
  });

  test('Assistants: a run stopped mid-stream is cancelled, and both conform', async (t) => {
    const p = proxyOrSkip(t, () => slowProxy);
    if (!p) return;
    await conforming(p, ['POST /threads/{thread_id}/runs', 'POST /threads/{thread_id}/runs/{run_id}/cancel'], async () => {
      const backend = new AssistantsBackend(settingsFor(slowStandIn.current, { baseUrl: p.baseUrl, organization: 'org_spec_proxy_slow' }));
      const th = thread('assistants', 'th_spec_cancel');
      th.remoteId = (await backend.createThread(th)).remoteId;
      const controller = new AbortController();
      const seen: ReplyEvent[] = [];
      await assert.rejects(async () => {
        for await (const event of backend.reply(request(th, LONG_TEXT, { signal: controller.signal }))) {
          seen.push(event);
          controller.abort();
        }
      });
      assert.ok(seen.length >= 1 && !seen.some((e) => e.type === 'done'), 'stopped midway');
      // Cancelled, not completed: the first delta came through the proxy while the run was still going.
      const [run] = (await sdkClient(slowStandIn.current).beta.threads.runs.list(th.remoteId ?? '', { limit: 1 })).data;
      assert.ok(run?.status === 'cancelling' || run?.status === 'cancelled', `run ${run?.status}`);
      await backend.deleteThread(th.remoteId ?? '');
    });
  });

  test('Chat Completions: an image data URL, an inlined text file, limits', async (t) => {
    const p = proxyOrSkip(t);
    if (!p) return;
    await conforming(p, ['POST /chat/completions'], async () => {
      const th = thread('chat', 'th_spec_chat');
      for (const maxTokensField of ['max_completion_tokens', 'max_tokens'] as const) {
        const backend = new ChatCompletionsBackend(via(p), { maxTokensField, contextWindow: 8000 });
        const image = await backend.prepareAttachment({ type: 'image', name: 'dot.png', mime: 'image/png' }, PNG, {});
        const file = await backend.prepareAttachment({ type: 'file', name: 'answer.ts', mime: 'text/plain' }, Buffer.from('export const answer = 42;\n'), {});
        const history = [message(th.id, 'user', 'earlier'), message(th.id, 'assistant', expectedReply('earlier'))];
        const whole = done(await collect(backend.reply(request(th, [{ type: 'text', text: 'Look' }, image, file], { history, limits: { truncation: { type: 'auto' } } }))));
        assert.equal(whole.status, 'complete');
        const cut = done(await collect(backend.reply(request(th, LONG_TEXT, { history, limits: { maxCompletionTokens: 3, truncation: { type: 'last_messages', lastMessages: 1 } } }))));
        assert.equal(cut.status, 'incomplete');
      }
    });
  });

  test('models, and the error bodies of a 404 and a 401', async (t) => {
    const p = proxyOrSkip(t);
    if (!p) return;
    await conforming(p, ['GET /models', 'GET /files/{file_id}'], async () => {
      assert.ok((await listModels(via(p))).includes(MODEL));
      await assert.rejects(new ResponsesBackend(via(p)).fileName('file-does-not-exist'), { status: 404 });
      await assert.rejects(listModels(via(p, { getApiKey: async () => `${TEST_KEY}-wrong` })), { status: 401 });
      const statuses = p.calls.slice(-3).map((c) => c.status);
      assert.deepEqual(statuses, [200, 404, 401]);
    });
  });

  test('the proxy catches a malformed request body, a missing multipart field and an off-spec stream event', async (t) => {
    if (!specPresent) {
      t.skip(SPEC_MISSING);
      return;
    }
    const own = await startSpecProxy(standIn.current.baseUrl);
    try {
      const res = await fetch(`${own.baseUrl}/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 42 }),
      });
      await res.arrayBuffer();
      const caught = own.violations.filter((v) => v.where === 'request' && v.operation === 'POST /responses');
      assert.equal(caught.length, 1, formatViolations(own.violations));
      assert.match(caught[0]?.subject ?? '', /CreateResponse/);
      assert.ok(caught[0]?.errors.some((e) => e.startsWith('/input')), caught[0]?.errors.join('\n'));

      const form = new FormData();
      form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
      await (await fetch(`${own.baseUrl}/files`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: form })).arrayBuffer();
      const upload = own.violations.find((v) => v.operation === 'POST /files' && v.where === 'request');
      assert.deepEqual(upload?.errors, ['required field "purpose" is missing'], formatViolations(own.violations));

      // OpenAI's mid-stream failure frame for Chat ({error} without the chunk's fields) is outside the spec.
      standIn.current.injectFault({ path: '/v1/chat/completions', errorEventAfter: 1 });
      const chat = new ChatCompletionsBackend(via(own), { maxTokensField: 'max_completion_tokens' });
      await assert.rejects(collect(chat.reply(request(thread('chat', 'th_spec_fault'), 'hello'))));
      const event = own.violations.find((v) => v.where === 'event');
      assert.equal(event?.subject, 'event #1 against CreateChatCompletionStreamResponse', formatViolations(own.violations));
    } finally {
      await own.close();
    }
  });
});
