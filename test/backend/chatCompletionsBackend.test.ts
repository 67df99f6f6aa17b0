// ChatCompletionsBackend end to end: the real SDK over real HTTP against the stand-in's
// /chat/completions. The thread lives only locally, so what matters is what each request carries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import type { ChatCompletionsOptions } from '../../src/core/backends/chatCompletionsBackend';
import { listModels } from '../../src/core/backends/models';
import { historyFrom } from '../../src/core/backends/backend';
import type { ConnectionSettings, ReplyRequest } from '../../src/core/backends/backend';
import { messageText } from '../../src/core/model';
import type { AttachmentPart, ContentPart, ContextLimits, Message, MessageStatus, ThreadMeta } from '../../src/core/model';
import { estimateMessageTokens, REPLY_PRIMING_TOKENS } from '../../src/core/context/tokens';
import { expectedReply, MODELS, splitDeltas } from '../stand-in/index';
import type { Json } from '../stand-in/store';
import { splitReply } from './replies';
import { collect, settingsFor, standInForFile } from './support';

const standIn = standInForFile();
const THREAD: ThreadMeta = { id: 'th_chat', title: 'Chat', createdAt: 0, updatedAt: 0, backend: 'chat', messageCount: 0 };
const LONG_TEXT = 'one two three four five six seven eight nine ten';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x3b])]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(8)]);
const BINARY_REFUSAL = /is not a text file; this server's Chat Completions API cannot take binary files\. Use a Responses or Assistants backend for PDFs and other documents\.$/;

function backend(options: Partial<ChatCompletionsOptions> = {}, settings: Partial<ConnectionSettings> = {}): ChatCompletionsBackend {
  return new ChatCompletionsBackend(settingsFor(standIn.current, settings), { maxTokensField: 'max_completion_tokens', ...options });
}

let counter = 0;
function message(role: 'user' | 'assistant', content: string | ContentPart[], status: MessageStatus = 'complete'): Message {
  counter += 1;
  return {
    id: `m_${role}_${counter}`,
    threadId: THREAD.id,
    role,
    content: typeof content === 'string' ? [{ type: 'text', text: content }] : content,
    createdAt: counter,
    status,
  };
}

function request(input: Message, options: { history?: Message[]; limits?: ContextLimits; model?: string } = {}): ReplyRequest {
  return { thread: THREAD, history: historyFrom(options.history ?? []), input, model: options.model ?? 'stand-in-echo', signal: new AbortController().signal, ...(options.limits ? { limits: options.limits } : {}) };
}

type SentBody = { model: string; messages: Array<{ role: string; content: Json }>; [key: string]: Json };

/** The body of the last request the stand-in got for /chat/completions. */
function lastSent(): SentBody {
  const sent = standIn.current.requests.filter((r) => r.path === '/v1/chat/completions').at(-1);
  assert.ok(sent, 'a chat completion was requested');
  return sent.body as SentBody;
}

function chatRequestCount(): number {
  return standIn.current.requests.filter((r) => r.path === '/v1/chat/completions').length;
}

async function prepare(b: ChatCompletionsBackend, part: AttachmentPart, data: Uint8Array): Promise<ContentPart> {
  return b.prepareAttachment(part, data, {});
}

describe('ChatCompletionsBackend', () => {
  test('threads exist only locally: create and delete send nothing', async () => {
    const b = backend();
    assert.equal(b.kind, 'chat');
    const before = standIn.current.requests.length;
    assert.deepEqual(await b.createThread(), {});
    await b.deleteThread();
    assert.equal(standIn.current.requests.length, before);
  });

  test('two turns: the second request carries the first turn; usage and model are reported', async () => {
    const b = backend();
    const first = message('user', 'What is a thread?');
    const turn1 = splitReply(await collect(b.reply(request(first))));
    assert.equal(turn1.text, expectedReply('What is a thread?'));
    assert.equal(turn1.done.status, 'complete');
    assert.equal(turn1.done.model, 'stand-in-echo');
    assert.deepEqual(turn1.done.usage, { inputTokens: 4, outputTokens: splitDeltas(turn1.text).length });
    assert.equal(turn1.done.omittedMessageIds, undefined, 'nothing was left out');

    const answer = message('assistant', turn1.text);
    const events = await collect(b.reply(request(message('user', 'And a second question'), { history: [first, answer] })));
    assert.ok(events.filter((e) => e.type === 'delta').length > 1, 'the reply streams in several deltas');
    assert.equal(splitReply(events).text, expectedReply('And a second question'));
    assert.deepEqual(lastSent(), {
      model: 'stand-in-echo',
      messages: [
        { role: 'user', content: 'What is a thread?' },
        { role: 'assistant', content: expectedReply('What is a thread?') },
        { role: 'user', content: 'And a second question' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("history leaves out replies that produced no text, but keeps a stopped reply's partial text", async () => {
    const history = [message('user', 'q1'), message('assistant', '', 'error'), message('user', 'q2'), message('assistant', 'half an ans', 'cancelled')];
    await collect(backend().reply(request(message('user', 'q3'), { history })));
    assert.deepEqual(lastSent().messages, [
      { role: 'user', content: 'q1' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'half an ans' },
      { role: 'user', content: 'q3' },
    ]);
  });

  test('usage is also taken from the finish chunk, where some servers put it', async () => {
    const withHeader: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('x-stand-in-chat-usage', 'finish-chunk');
      return fetch(input, { ...init, headers });
    };
    const { done } = splitReply(await collect(backend({}, { fetch: withHeader }).reply(request(message('user', LONG_TEXT)))));
    assert.deepEqual(done.usage, { inputTokens: 10, outputTokens: splitDeltas(expectedReply(LONG_TEXT)).length });
  });

  test('maxCompletionTokens goes in the configured field; a cut reply is incomplete with reason length', async () => {
    for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
      const { text, done } = splitReply(await collect(backend({ maxTokensField: field }).reply(request(message('user', LONG_TEXT), { limits: { maxCompletionTokens: 3 } }))));
      const sent = lastSent();
      assert.equal(sent[field], 3, field);
      assert.equal(Object.keys(sent).filter((k) => k.startsWith('max_')).length, 1, `only ${field} is sent`);
      assert.equal(text, splitDeltas(expectedReply(LONG_TEXT)).slice(0, 3).join(''));
      assert.equal(done.status, 'incomplete');
      assert.equal(done.reason, 'length');
    }
  });

  test('a model the server lacks fails with 404 model_not_found', async () => {
    await assert.rejects(collect(backend().reply(request(message('user', 'hi'), { model: 'llama3.3:70b' }))), { status: 404, code: 'model_not_found' });
  });

  test('listModels returns the ids the server offers', async () => {
    assert.deepEqual(await listModels(settingsFor(standIn.current)), MODELS.map((m) => m.id));
  });
});

describe('ChatCompletionsBackend attachments', () => {
  test('a text file is inlined as a fenced block with its language; progress reports completion', async () => {
    const b = backend();
    const code = 'export const answer = 42;\n';
    const progress: Array<[number, number]> = [];
    const part = await b.prepareAttachment({ type: 'file', name: 'src/answer.ts', mime: 'video/mp2t' }, Buffer.from(code), { onProgress: (sent, total) => progress.push([sent, total]) });
    assert.deepEqual(part, { type: 'file', name: 'src/answer.ts', mime: 'text/plain', bytes: code.length, text: code });
    assert.deepEqual(progress, [[code.length, code.length]]);

    const { text } = splitReply(await collect(b.reply(request(message('user', [{ type: 'text', text: 'Explain this' }, part])))));
    const expected = 'Explain this\n\nFile `src/answer.ts` (typescript):\n```typescript\nexport const answer = 42;\n```';
    assert.deepEqual(lastSent().messages, [{ role: 'user', content: expected }]);
    assert.equal(text, expectedReply(expected));
  });

  test('the fence outgrows backticks inside the file, so the file cannot close it early', async () => {
    const b = backend();
    const readme = '# Use\n```sh\nnpm start\n```\n';
    const part = await prepare(b, { type: 'file', name: 'README.md', mime: 'text/markdown' }, Buffer.from(readme));
    await collect(b.reply(request(message('user', [part]))));
    assert.equal(lastSent().messages[0]?.content, 'File `README.md` (markdown):\n````markdown\n# Use\n```sh\nnpm start\n```\n````');
  });

  test('binary files are refused with a message naming the backends that take them', async () => {
    const b = backend();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 0xff])]);
    await assert.rejects(prepare(b, { type: 'file', name: 'report.pdf', mime: 'application/pdf' }, pdf), (err: Error) => {
      assert.equal(err.message, "report.pdf is not a text file; this server's Chat Completions API cannot take binary files. Use a Responses or Assistants backend for PDFs and other documents.");
      return true;
    });
    await assert.rejects(prepare(b, { type: 'file', name: 'bundle.zip', mime: 'application/zip' }, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])), BINARY_REFUSAL);
    // A text-looking name does not make binary content text.
    await assert.rejects(prepare(b, { type: 'file', name: 'dump.txt', mime: 'text/plain' }, Buffer.from([0x68, 0x69, 0x00, 0x00])), BINARY_REFUSAL);
  });

  test('text that is not UTF-8, or too large to inline, is refused with what to do', async () => {
    const b = backend();
    await assert.rejects(prepare(b, { type: 'file', name: 'latin1.txt', mime: 'text/plain' }, Buffer.from([0x63, 0x61, 0x66, 0xe9])), /latin1\.txt is not valid UTF-8 text\. Save it as UTF-8/);
    await assert.rejects(prepare(b, { type: 'file', name: 'big.log' }, Buffer.alloc(200 * 1024 + 1, 'a')), /big\.log is 201 KB; text files inlined into the prompt can be at most 200 KB/);
    assert.equal((await prepare(b, { type: 'file', name: 'exact.log' }, Buffer.alloc(200 * 1024, 'a'))).type, 'file', '200 KB itself is allowed');
  });

  test('PNG, JPEG, GIF and WebP go as data URLs and reach the server as images', async () => {
    const b = backend();
    const images: Array<[string, Buffer, string]> = [
      ['dot.png', PNG, 'image/png'],
      ['photo.jpg', JPEG, 'image/jpeg'],
      ['anim.gif', GIF, 'image/gif'],
      ['pic.webp', WEBP, 'image/webp'],
    ];
    const parts: ContentPart[] = [{ type: 'text', text: 'What are these?' }];
    for (const [name, data, mime] of images) {
      const part = await prepare(b, { type: 'image', name, mime }, data);
      assert.deepEqual(part, { type: 'image', name, mime, dataUrl: `data:${mime};base64,${data.toString('base64')}` });
      parts.push(part);
    }
    const { text } = splitReply(await collect(b.reply(request(message('user', parts)))));
    assert.equal(text, expectedReply('What are these?[image: image/png][image: image/jpeg][image: image/gif][image: image/webp]'));
    const content = lastSent().messages[0]?.content;
    assert.ok(Array.isArray(content));
    assert.deepEqual(content[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } });
  });

  test('the bytes decide the image type: a mislabelled JPEG is sent as JPEG, an image attached as a file as an image', async () => {
    const b = backend();
    assert.deepEqual(await prepare(b, { type: 'image', name: 'really.png', mime: 'image/png' }, JPEG), { type: 'image', name: 'really.png', mime: 'image/jpeg', dataUrl: `data:image/jpeg;base64,${JPEG.toString('base64')}` });
    const asFile = await prepare(b, { type: 'file', name: 'shot.png', mime: 'image/png' }, PNG);
    assert.equal(asFile.type, 'image');
  });

  test('other images, and files only named like images, are refused naming the allowed types', async () => {
    const b = backend();
    const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(30)]);
    await assert.rejects(prepare(b, { type: 'image', name: 'scan.bmp', mime: 'image/bmp' }, bmp), /^Error: scan\.bmp is not a PNG, JPEG, GIF or WebP image/);
    await assert.rejects(prepare(b, { type: 'image', name: 'fake.png', mime: 'image/png' }, Buffer.from('not really a picture')), /fake\.png is not a PNG, JPEG, GIF or WebP image/);
  });

  test('an attachment that was never prepared is refused before any request', async () => {
    const before = chatRequestCount();
    const unprepared = message('user', [{ type: 'text', text: 'see file' }, { type: 'file', name: 'notes.txt', fileId: 'file-abc' }]);
    await assert.rejects(collect(backend().reply(request(unprepared))), /notes\.txt" was not prepared for this server/);
    assert.equal(chatRequestCount(), before);
  });
});

describe('ChatCompletionsBackend context limits', () => {
  /** Four history turns of distinct lengths, oldest first. */
  function history(): Message[] {
    return [
      message('user', 'alpha '.repeat(30)),
      message('assistant', 'bravo '.repeat(20)),
      message('user', 'charlie '.repeat(25)),
      message('assistant', 'delta '.repeat(15)),
    ];
  }
  const tokensOf = (m: Message | undefined) => estimateMessageTokens(m ? messageText(m) : '');

  test('truncation last_messages N sends only the newest N messages, the new one included', async () => {
    const h = history();
    const input = message('user', 'latest');
    const { done } = splitReply(await collect(backend().reply(request(input, { history: h, limits: { truncation: { type: 'last_messages', lastMessages: 3 } } }))));
    assert.deepEqual(lastSent().messages.map((m) => m.content), [h[2], h[3], input].map((m) => (m ? messageText(m) : '')));
    assert.deepEqual(done.omittedMessageIds, [h[0]?.id, h[1]?.id]);

    const only = splitReply(await collect(backend().reply(request(input, { history: h, limits: { truncation: { type: 'last_messages', lastMessages: 1 } } }))));
    assert.equal(lastSent().messages.length, 1, 'N = 1 sends just the new message');
    assert.equal(only.done.omittedMessageIds?.length, 4);
  });

  test('maxPromptTokens drops the oldest history until the estimate fits, and says which', async () => {
    const h = history();
    const input = message('user', 'what now?');
    // Room for the new message and the two newest history messages, not the third.
    const budget = tokensOf(input) + REPLY_PRIMING_TOKENS + tokensOf(h[2]) + tokensOf(h[3]) + 5;
    const { done } = splitReply(await collect(backend().reply(request(input, { history: h, limits: { maxPromptTokens: budget } }))));
    assert.deepEqual(lastSent().messages.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.equal(lastSent().messages[0]?.content, 'charlie '.repeat(25));
    assert.deepEqual(done.omittedMessageIds, [h[0]?.id, h[1]?.id]);
  });

  test('auto truncation keeps the prompt inside the context window, less the reply budget', async () => {
    const h = history();
    const input = message('user', 'what now?');
    const completion = 50;
    // A window that holds exactly the newest history message beside the new one and the reply.
    const contextWindow = tokensOf(input) + REPLY_PRIMING_TOKENS + tokensOf(h[3]) + completion;
    const b = backend({ contextWindow, maxTokensField: 'max_tokens' });
    const { done } = splitReply(await collect(b.reply(request(input, { history: h, limits: { truncation: { type: 'auto' }, maxCompletionTokens: completion } }))));
    assert.deepEqual(lastSent().messages.map((m) => m.content), ['delta '.repeat(15), 'what now?']);
    assert.equal(lastSent().max_tokens, completion);
    assert.deepEqual(done.omittedMessageIds, [h[0]?.id, h[1]?.id, h[2]?.id]);
  });

  test('a new message over the budget by itself is refused with its size and the limit, before any request', async () => {
    const before = chatRequestCount();
    const big = message('user', 'token '.repeat(200));
    await assert.rejects(collect(backend().reply(request(big, { limits: { maxPromptTokens: 50 } }))), (err: Error) => {
      assert.match(err.message, /^This message is about \d+ tokens, more than this thread's prompt limit of 50 tokens \(maxPromptTokens\)\. Shorten it, remove attachments, or raise the limit\.$/);
      assert.ok(Number(/about (\d+)/.exec(err.message)?.[1]) > 200);
      return true;
    });
    await assert.rejects(
      collect(backend({ contextWindow: 100 }).reply(request(big, { limits: { truncation: { type: 'auto' } } }))),
      /more than the 75 tokens the model's 100-token context window leaves for the prompt/,
    );
    assert.equal(chatRequestCount(), before);
  });
});
