// ResponsesBackend attachments and citations: uploads through the real SDK to the stand-in,
// images as input_image, other files as input_file, and the server's citations mapped onto
// the final text. The mapping of citation kinds the stand-in never sends is checked on
// Response objects built from a real one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toFile } from 'openai';
import type { Response, ResponseOutputMessage, ResponseOutputText, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { historyFrom } from '../../src/core/backends/backend';
import { downloadFile } from '../../src/core/backends/fileDownload';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { finalText, StreamedAnnotations } from '../../src/core/backends/responses/annotations';
import { readResponse } from '../../src/core/backends/responses/stream';
import { describeError } from '../../src/core/backends/errors';
import type { ContentPart, Message, ThreadMeta } from '../../src/core/model';
import { expectedReply } from '../stand-in/index';
import { assertConforms, specOrSkip } from './referenceSpec';
import { splitReply } from './replies';
import type { Done } from './replies';
import { collect, postRawSse, sdkClient, settingsFor, standInForFile } from './support';

const standIn = standInForFile();

// Only the first bytes matter: the type is told by its signature.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const BMP = Uint8Array.from([0x42, 0x4d, 0x3a, 0, 0, 0, 0, 0, 0, 0]);
const PDF = new TextEncoder().encode('%PDF-1.4\n% release notes\n');


async function newThread(backend: ResponsesBackend, id: string): Promise<ThreadMeta> {
  const thread: ThreadMeta = { id, title: 'Test', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
  thread.remoteId = (await backend.createThread(thread)).remoteId;
  return thread;
}

function userMessage(threadId: string, content: ContentPart[]): Message {
  return { id: `msg_local_${threadId}`, threadId, role: 'user', content, createdAt: 0, status: 'complete' };
}

async function reply(backend: ResponsesBackend, thread: ThreadMeta, content: ContentPart[]): Promise<{ text: string; done: Done }> {
  return splitReply(await collect(backend.reply({ thread, history: historyFrom([]), input: userMessage(thread.id, content), model: 'stand-in-echo', signal: new AbortController().signal })));
}

function lastRequest(method: string, requestPath: string) {
  const found = standIn.current.requests.filter((r) => r.method === method && r.path === requestPath).at(-1);
  assert.ok(found, `a ${method} ${requestPath} request was made`);
  return found;
}

/** The content parts of the last create's user input, as sent. */
function sentInputContent(): unknown {
  const body = lastRequest('POST', '/v1/responses').body as { input: Array<{ content: unknown }> };
  return body.input.at(-1)?.content;
}

describe('ResponsesBackend attachments', () => {
  test('an image is uploaded for vision and sent as input_image; the reply shows it arrived', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const progress: Array<[number, number]> = [];
    const part = await backend.prepareAttachment({ type: 'image', name: 'cat.png', mime: 'image/png' }, PNG, { onProgress: (sent, total) => progress.push([sent, total]) });
    assert.ok(part.type === 'image' && part.fileId?.startsWith('file-'), 'the part carries the uploaded file id');
    assert.deepEqual(progress.at(-1), [PNG.length, PNG.length], 'progress reaches the whole file');

    const upload = lastRequest('POST', '/v1/files').body as { fields: Record<string, string>; files: Array<{ filename: string; contentType: string; bytes: number }> };
    assert.equal(upload.fields.purpose, 'vision');
    assert.deepEqual(upload.files.map((f) => [f.filename, f.contentType, f.bytes]), [['cat.png', 'image/png', PNG.length]]);

    const thread = await newThread(backend, 'th_image');
    const { text, done } = await reply(backend, thread, [{ type: 'text', text: 'What is this?' }, part]);
    assert.deepEqual(sentInputContent(), [
      { type: 'input_text', text: 'What is this?' },
      { type: 'input_image', file_id: part.fileId, detail: 'auto' },
    ]);
    assert.equal(text, `${expectedReply('What is this?')} I see an image (image/png).`);
    assert.equal(done.status, 'complete');
  });

  test('the image type comes from its bytes, not its name', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const part = await backend.prepareAttachment({ type: 'image', name: 'photo.png', mime: 'image/png' }, JPEG, {});
    assert.equal(part.mime, 'image/jpeg');
    const upload = lastRequest('POST', '/v1/files').body as { files: Array<{ contentType: string }> };
    assert.equal(upload.files[0]?.contentType, 'image/jpeg');
  });

  test('an image type the server does not take is refused before any upload, naming the allowed types', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const uploadsBefore = standIn.current.requests.filter((r) => r.path === '/v1/files').length;
    await assert.rejects(backend.prepareAttachment({ type: 'image', name: 'scan.bmp', mime: 'image/bmp' }, BMP, {}), (err: unknown) => {
      assert.match(describeError(err).message, /scan\.bmp is not a PNG, JPEG, GIF or WebP image/);
      return true;
    });
    assert.equal(standIn.current.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore);
  });

  test('documents are uploaded as user_data, sent as input_file, and cited in the final text', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const pdf = await backend.prepareAttachment({ type: 'file', name: 'notes.pdf', mime: 'application/pdf' }, PDF, {});
    assert.equal((lastRequest('POST', '/v1/files').body as { fields: Record<string, string> }).fields.purpose, 'user_data');
    const txt = await backend.prepareAttachment({ type: 'file', name: 'todo.txt', mime: 'text/plain' }, new TextEncoder().encode('ship it'), {});
    assert.ok(pdf.type === 'file' && pdf.fileId && txt.type === 'file' && txt.fileId);
    assert.equal(pdf.bytes, PDF.length);
    assert.equal(await backend.fileName(pdf.fileId), 'notes.pdf', 'a citation with only the id can be named');

    const thread = await newThread(backend, 'th_docs');
    const { text, done } = await reply(backend, thread, [{ type: 'text', text: 'Summarise these' }, pdf, txt]);
    assert.deepEqual(sentInputContent(), [
      { type: 'input_text', text: 'Summarise these' },
      { type: 'input_file', file_id: pdf.fileId },
      { type: 'input_file', file_id: txt.fileId },
    ]);
    assert.equal(done.text, text, 'the final text is what streamed');
    assert.deepEqual(
      done.annotations?.map((a) => [a.type, a.fileId, a.filename, done.text?.slice(a.start, a.start + (a.filename?.length ?? 0) + 2), a.end - a.start]),
      [
        ['file_citation', pdf.fileId, 'notes.pdf', '[notes.pdf]', 0],
        ['file_citation', txt.fileId, 'todo.txt', '[todo.txt]', 0],
      ],
    );
  });

  test('an upload can be stopped midway; nothing is stored on the server', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const filesBefore = standIn.current.state.files.size;
    const controller = new AbortController();
    const big = new Uint8Array(4 * 1024 * 1024);
    let mostSent = 0;
    const stop = (sent: number) => {
      mostSent = Math.max(mostSent, sent);
      if (sent > 0) controller.abort();
    };
    await assert.rejects(backend.prepareAttachment({ type: 'file', name: 'big.bin' }, big, { signal: controller.signal, onProgress: stop }), (err: unknown) => {
      assert.equal(describeError(err).kind, 'cancelled');
      return true;
    });
    assert.ok(mostSent < big.length, 'the upload stopped before the end');
    assert.equal(standIn.current.state.files.size, filesBefore);
  });
});

describe('Responses web and generated-file citations from the stand-in', () => {
  test('a link in the question is cited as url_citation; a generated file as container_file_citation, downloadable', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend, 'th_links');
    const asked = 'See https://example.com/guide and generate a file named report.csv';
    const { done } = await reply(backend, thread, [{ type: 'text', text: asked }]);
    assert.equal(done.text, `${expectedReply(asked)} [example.com] [report.csv]`);
    const [link, generated] = done.annotations ?? [];
    assert.ok(link && generated);
    assert.deepEqual([link.type, link.url, link.title, done.text?.slice(link.start, link.end)], ['url_citation', 'https://example.com/guide', 'example.com', '[example.com]']);
    assert.equal(generated.type, 'container_file_citation');
    assert.match(generated.containerId ?? '', /^cntr_/);
    assert.equal(done.text?.slice(generated.start, generated.end), '[report.csv]');

    const file = await downloadFile(settingsFor(standIn.current), generated.fileId!, { containerId: generated.containerId!, name: generated.filename! });
    assert.equal(file.name, 'report.csv');
    assert.equal(new TextDecoder().decode(file.data), 'Generated by the stand-in as report.csv.\n');
    lastRequest('GET', `/v1/containers/${generated.containerId}/files/${generated.fileId}/content`);
  });

  test('a container file that does not exist is a 404 the user can read', async () => {
    await assert.rejects(downloadFile(settingsFor(standIn.current), 'cfile_missing', { containerId: 'cntr_missing' }), (err: unknown) => {
      assert.equal(describeError(err).kind, 'notFound');
      return true;
    });
  });
});

describe('Responses citations', () => {
  async function realResponse(): Promise<Response> {
    return sdkClient(standIn.current).responses.create({ model: 'stand-in-echo', input: 'base' });
  }

  function withMessages(base: Response, parts: ResponseOutputText[][]): Response {
    const template = base.output[0];
    assert.ok(template?.type === 'message');
    const output: ResponseOutputMessage[] = parts.map((content, i) => ({ ...template, id: `msg_${i}`, content }));
    return { ...base, output };
  }

  test('url, container-file, file-path and file citations map onto Annotation', async () => {
    const text = 'See the docs and the chart, saved to out.csv.';
    const response = withMessages(await realResponse(), [
      [
        {
          type: 'output_text',
          text,
          annotations: [
            { type: 'url_citation', url: 'https://example.com/docs', title: 'Docs', start_index: 8, end_index: 12 },
            { type: 'container_file_citation', container_id: 'cntr_1', file_id: 'cfile_1', filename: 'chart.png', start_index: 21, end_index: 26 },
            { type: 'file_path', file_id: 'file-out', index: 44 },
            { type: 'file_citation', file_id: 'file-src', filename: 'src.csv', index: 45 },
          ],
        },
      ],
    ]);
    const final = finalText(response, new StreamedAnnotations());
    assert.equal(final?.text, text);
    assert.deepEqual(final?.annotations, [
      { type: 'url_citation', start: 8, end: 12, url: 'https://example.com/docs', title: 'Docs' },
      { type: 'container_file_citation', start: 21, end: 26, fileId: 'cfile_1', containerId: 'cntr_1', filename: 'chart.png' },
      { type: 'file_path', start: 44, end: 44, fileId: 'file-out' },
      { type: 'file_citation', start: 45, end: 45, fileId: 'file-src', filename: 'src.csv' },
    ]);
    assert.equal(text.slice(final?.annotations[0]?.start, final?.annotations[0]?.end), 'docs');
  });

  test('positions in a later message are shifted to index the joined text', async () => {
    const response = withMessages(await realResponse(), [
      [{ type: 'output_text', text: 'First. ', annotations: [] }],
      [{ type: 'output_text', text: 'Second [a.md]', annotations: [{ type: 'file_citation', file_id: 'file-a', filename: 'a.md', index: 7 }] }],
    ]);
    const final = finalText(response, new StreamedAnnotations());
    assert.equal(final?.text, 'First. Second [a.md]');
    assert.equal(final?.text.slice(final.annotations[0]?.start), '[a.md]');
  });

  test('annotations announced only by stream events are used when the final response has none', async () => {
    const base = withMessages(await realResponse(), [[{ type: 'output_text', text: 'Per [spec.md]', annotations: [] }]]);
    const announced = { type: 'file_citation' as const, file_id: 'file-spec', filename: 'spec.md', index: 4 };
    const events: ResponseStreamEvent[] = [
      { type: 'response.output_text.delta', item_id: 'msg_0', output_index: 0, content_index: 0, delta: 'Per [spec.md]', logprobs: [], sequence_number: 0 },
      { type: 'response.output_text.annotation.added', item_id: 'msg_0', output_index: 0, content_index: 0, annotation_index: 0, annotation: announced, sequence_number: 1 },
      { type: 'response.completed', response: base, sequence_number: 2 },
    ];
    async function* stream(): AsyncGenerator<ResponseStreamEvent> {
      yield* events;
    }
    const generator = readResponse(stream(), new AbortController().signal);
    let step = await generator.next();
    while (!step.done) step = await generator.next();
    assert.deepEqual(step.value.done.annotations, [{ type: 'file_citation', start: 4, end: 4, fileId: 'file-spec', filename: 'spec.md' }]);
    assert.equal(step.value.done.text, 'Per [spec.md]');
  });
});

describe('stand-in: attachments in Responses', () => {
  test('citations stream as annotation.added after their marker, and every event matches the spec', async (t) => {
    const client = sdkClient(standIn.current);
    const file = await client.files.create({ file: await toFile(Buffer.from(PDF), 'spec.pdf', { type: 'application/pdf' }), purpose: 'user_data' });
    const { events } = await postRawSse(standIn.current, '/responses', {
      model: 'stand-in-echo',
      stream: true,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'read it' }, { type: 'input_file', file_id: file.id }] }],
    });
    const data = events.map((e) => JSON.parse(e.data) as { type: string; delta?: string; annotation_index?: number; annotation?: { index: number } });
    const added = data.findIndex((e) => e.type === 'response.output_text.annotation.added');
    assert.ok(added > 0, 'an annotation.added event is sent');
    const sentBefore = data.slice(0, added).flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta ?? ''] : [])).join('');
    assert.ok(sentBefore.endsWith('[spec.pdf]'), 'it follows the delta that completes the marker');
    assert.equal(data[added]?.annotation_index, 0);
    assert.equal(sentBefore.indexOf('[spec.pdf]'), data[added]?.annotation?.index);

    const spec = specOrSkip(t);
    if (!spec) return;
    for (const event of data) assertConforms(spec, 'ResponseStreamEvent', event);
  });

  test('input_tokens counts what a create with the same body reports as usage', async (t) => {
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'earlier words here' }] });
    const body = { model: 'stand-in-echo', conversation: conversation.id, input: 'and three more', instructions: 'be brief' };
    const counted = await client.responses.inputTokens.count(body);
    assert.equal(counted.object, 'response.input_tokens');
    const created = await client.responses.create(body);
    assert.equal(counted.input_tokens, created.usage?.input_tokens);
    assert.equal(counted.input_tokens, 8);
    await assert.rejects(client.responses.inputTokens.count({ model: 'no-such-model', input: 'x' }), { status: 400, code: 'model_not_found' });

    const spec = specOrSkip(t);
    if (!spec) return;
    assertConforms(spec, 'TokenCountsResource', counted);
  });
});
