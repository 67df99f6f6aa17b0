// Issue flows 3, 4 and 6 through the panel with the default dialect (Conversations + Responses):
// an uploaded file is cited, the citation becomes footnote [1] with a References entry, and
// opening the reference downloads the file into an editor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { footnote } from '../../../src/core/chat/footnotes';
import { messageText } from '../../../src/core/model';
import type { Annotation, Message } from '../../../src/core/model';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { answering, attachFile, chooseBackend, openRemoteThread, setLimits, typed } from './answers';
import { downloadedDocument, PNG, readyPanel, recordedRequests, resetBackendSetting, scratchFolder, standInUrl } from './helpers';

const NOTES = '# Threads\nA thread keeps the messages of one conversation.\n';

suite('Files, images and citations through the panel (Conversations + Responses)', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-citations');
    scratch = scratchFolder('cite-');
  });

  suiteTeardown(() => scratch.remove());

  setup(async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'responses');
  });

  test('an attached file is uploaded, cited as footnote [1], and its reference opens the file', async () => {
    assert.equal(await attachFile(api, scratch.write('notes.md', NOTES)), true);
    const upload = (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/files')).at(-1);
    assert.ok(upload, 'the file was not uploaded through the Files API');

    await api.view.receive({ type: 'send', text: 'What do my notes say about threads?' });
    const [user, reply] = (await api.store.messages(api.view.currentThreadId!)).slice(-2);
    assert.equal(user!.content[0]!.type, 'file');
    assert.equal(reply!.status, 'complete', reply!.error);
    const text = reply!.content.find((p) => p.type === 'text');
    assert.ok(text && text.type === 'text');
    assert.deepEqual(text.annotations?.map((a) => [a.type, a.filename]), [['file_citation', 'notes.md']]);

    const report = await api.view.waitForRender((r) => r.messageIds.at(-1) === reply!.id && !r.streaming);
    assert.equal(report.references, 1);
    assert.match(report.lastText, /\[1\]/);

    const opened = downloadedDocument('notes.md');
    await api.view.receive({ type: 'openReference', messageId: reply!.id, index: 0 });
    assert.equal((await opened).getText(), NOTES);
  });

  test('an attached image is uploaded for vision and reaches the model', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.attachImage', scratch.write('dot.png', PNG)), true);
    await api.view.receive({ type: 'send', text: 'Describe this.' });
    const [user, reply] = (await api.store.messages(api.view.currentThreadId!)).slice(-2);
    const image = user!.content.find((p) => p.type === 'image');
    assert.ok(image && image.type === 'image' && image.fileId, 'the image was not uploaded');
    // …and the panel can still show it.
    assert.equal(image.dataUrl, `data:image/png;base64,${PNG.toString('base64')}`);
    const uploads = (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/files'));
    assert.match(JSON.stringify(uploads.at(-1)), /vision/);
    assert.match(messageText(reply!), /image\/png/);
  });

  test('context limits: an incomplete reply says why and the limits are sent', async () => {
    await setLimits(api, 'setContextLimits', { maxCompletionTokens: 16 });
    await api.view.receive({ type: 'send', text: 'Please give me a very long answer with many many words in it so that it cannot fit' });
    const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
    assert.equal(reply.status, 'incomplete');
    assert.match(reply.error ?? '', /maximum output length/);
    const create = (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).at(-1) as unknown as { body: { max_output_tokens?: number } };
    assert.equal(create.body.max_output_tokens, 16);
  });
});

suite('Per-run context limits through the panel', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-run-limits');
  });

  test('limits set for the next message apply to that run only', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await setLimits(api, 'setRunLimits', { maxCompletionTokens: 16 });
    const long = 'Please give me a very long answer with many many words in it so that it cannot fit';
    await api.view.receive({ type: 'send', text: long });
    await api.view.receive({ type: 'send', text: long });
    const replies = (await api.store.messages(api.view.currentThreadId!)).filter((m) => m.role === 'assistant');
    assert.deepEqual(replies.map((m) => m.status), ['incomplete', 'complete']);
    const creates = (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).slice(-2) as unknown as { body: { max_output_tokens?: number } }[];
    assert.deepEqual(creates.map((c) => c.body.max_output_tokens), [16, undefined]);
    assert.equal(api.store.get(api.view.currentThreadId!)!.limits, undefined, 'a run limit must not become the thread\'s');
  });
});

suite('Files and citations through the panel (Assistants v2)', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-assistants');
    scratch = scratchFolder('asst-');
  });

  suiteTeardown(async () => {
    scratch.remove();
    await resetBackendSetting();
  });

  test('an assistant created from the picker runs the thread\'s replies', async () => {
    // Create a new assistant (the first row), with the current model (offered first) and instructions.
    const id = await answering<string>(api, { pick: async (items) => items[0], ask: typed('Be brief.') }, 'threadline.chooseAssistant');
    try {
      assert.match(id ?? '', /^asst_/);
      const created = (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/assistants')).at(-1) as unknown as { body: { instructions?: string; name?: string } };
      assert.deepEqual([created.body.name, created.body.instructions], ['Threadline', 'Be brief.']);
      await vscode.commands.executeCommand('threadline.newThread');
      await chooseBackend(api, 'assistants');
      await api.view.receive({ type: 'send', text: 'Who answers?' });
      const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
      assert.equal(reply.status, 'complete', reply.error);
      const run = (await recordedRequests()).filter((r) => r.method === 'POST' && /\/threads\/[^/]+\/runs$/.test(r.path)).at(-1) as unknown as { body: { assistant_id?: string } };
      assert.equal(run.body.assistant_id, id);
    } finally {
      await vscode.workspace.getConfiguration('threadline').update('assistantId', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a run cites the attached file as a numbered footnote named after the file', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'assistants');
    assert.equal(await attachFile(api, scratch.write('guide.md', NOTES)), true);

    await api.view.receive({ type: 'send', text: 'Summarise the guide.' });
    const thread = api.store.get(api.view.currentThreadId!)!;
    assert.match(thread.remoteId ?? '', /^thread_/);
    const reply = (await api.store.messages(thread.id)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    const text = reply.content.find((p) => p.type === 'text');
    assert.ok(text && text.type === 'text');
    assert.deepEqual(text.annotations?.map((a) => [a.type, a.filename]), [['file_citation', 'guide.md']]);

    const report = await api.view.waitForRender((r) => r.messageIds.at(-1) === reply.id && !r.streaming);
    assert.equal(report.references, 1);
    // The marker the model wrote is replaced by the footnote number.
    assert.match(report.lastText, /\[1\]/);
    assert.doesNotMatch(report.lastText, /【/);
    const runs = (await recordedRequests()).filter((r) => r.method === 'POST' && /\/threads\/[^/]+\/runs$/.test(r.path));
    assert.ok(runs.length > 0, 'no run was created');
    assert.equal(runs.at(-1)!.headers['openai-beta'], 'assistants=v2');
  });
});

suite('Opening a server-side thread by id (seed flows 1 and 7)', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-remote');
  });

  test('a conversation made elsewhere with 120 messages opens with every message in order, roles included', async () => {
    // Made outside Threadline, straight on the server: 20 items at creation, 100 appended.
    const base = new URL(standInUrl());
    const post = async (url: string, body: unknown) => {
      const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer sk-remote', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { id: string };
    };
    const item = (i: number) => ({ type: 'message', role: i % 2 ? 'assistant' : 'user', content: i % 2 ? `answer ${i}` : `question ${i}` });
    const items = Array.from({ length: 120 }, (_, i) => item(i));
    const conversation = await post(`${base.href}/conversations`, { items: items.slice(0, 20) });
    for (let i = 20; i < 120; i += 20) await post(`${base.href}/conversations/${conversation.id}/items`, { items: items.slice(i, i + 20) });

    const threadId = await openRemoteThread(api, conversation.id);
    assert.ok(threadId, 'no thread was opened');
    const messages = await api.store.messages(threadId);
    assert.deepEqual(messages.map((m) => [m.role, messageText(m)]), items.map((i) => [i.role, i.content]));
    assert.equal(api.store.get(threadId)!.backend, 'responses');
    assert.equal(api.store.get(threadId)!.title, 'question 0');
    const pages = (await recordedRequests()).filter((r) => r.method === 'GET' && r.path.includes(`/conversations/${conversation.id}/items`));
    assert.equal(pages.length, 2, 'expected two pages of 100');

    const report = await api.view.waitForRender((r) => r.threadId === threadId && r.messageIds.length === 120);
    assert.deepEqual(report.messageIds, messages.map((m) => m.id));

    // And the conversation carries on from the panel.
    await api.view.receive({ type: 'send', text: 'and one more' });
    const reply = (await api.store.messages(threadId)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
  });
});

/** Where footnote references of `type` sit in the reply's References list. */
function referenceIndex(reply: Message, type: Annotation['type']): number {
  const text = reply.content.find((p) => p.type === 'text');
  assert.ok(text && text.type === 'text', 'the reply has no text');
  const index = footnote(text.text, text.annotations).references.findIndex((r) => r.annotation.type === type);
  assert.ok(index >= 0, `the reply cites no ${type}: ${JSON.stringify(text.annotations)}`);
  return index;
}

suite('Opening every kind of reference from the panel', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-references');
    scratch = scratchFolder('refs-');
  });

  suiteTeardown(async () => {
    scratch.remove();
    await resetBackendSetting();
  });

  async function ask(backend: 'responses' | 'assistants', text: string): Promise<Message> {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, backend);
    await api.view.receive({ type: 'send', text });
    const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    await api.view.waitForRender((r) => r.messageIds.at(-1) === reply.id && !r.streaming);
    return reply;
  }

  test('a url_citation opens its web page through VS Code\'s link opener, and nothing else is downloaded', async () => {
    const reply = await ask('responses', 'What does https://example.com/guide?page=2 say?');
    // Recorded instead of opened: a real browser is not part of the test.
    const opened: string[] = [];
    const answered = api.answerPrompts({
      openLink: async (uri) => {
        opened.push(uri.toString(true));
        return true;
      },
    });
    const requestsBefore = (await recordedRequests()).length;
    try {
      await api.view.receive({ type: 'openReference', messageId: reply.id, index: referenceIndex(reply, 'url_citation') });
    } finally {
      answered.dispose();
    }
    assert.deepEqual(opened, ['https://example.com/guide?page=2']);
    assert.equal((await recordedRequests()).length, requestsBefore, 'opening a link must not call the server');
  });

  test('a container_file_citation downloads the generated file to a temp folder and opens it', async () => {
    const reply = await ask('responses', 'Please generate a file named report.csv');
    const opened = downloadedDocument('report.csv');
    await api.view.receive({ type: 'openReference', messageId: reply.id, index: referenceIndex(reply, 'container_file_citation') });
    assert.equal((await opened).getText(), 'Generated by the stand-in as report.csv.\n');
    const fetched = (await recordedRequests()).filter((r) => r.method === 'GET' && /\/containers\/cntr_[^/]+\/files\/cfile_[^/]+\/content$/.test(r.path));
    assert.equal(fetched.length, 1, 'the file comes from the container files route');
  });

  test('a file_path annotation (Assistants code interpreter output) downloads the generated file and opens it', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'assistants');
    assert.equal(await attachFile(api, scratch.write('data.csv', 'city,people\nOslo,700000\n')), true);
    await api.view.receive({ type: 'send', text: 'Summarise the table.' });
    const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    const opened = downloadedDocument('data-summary.txt');
    await api.view.receive({ type: 'openReference', messageId: reply.id, index: referenceIndex(reply, 'file_path') });
    assert.match((await opened).getText(), /^Summary of data\.csv: 24 bytes, 2 lines\./);
  });
});
