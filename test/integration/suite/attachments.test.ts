// Issue flows 3 and 4 through the panel in a real VS Code: attach a file and an image to the
// current thread, watch them go out with the message, and get a clear message for a bad image.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ContentPart, Message } from '../../../src/core/model';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { attachFile, chooseBackend, setApiKey } from './answers';
import { clearFaults, PNG, readyPanel, recordedRequests, resetBackendSetting, scratchFolder } from './helpers';


suite('Attachments through the panel (Chat Completions dialect)', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-attachments');
    scratch = scratchFolder('attach-');
  });

  suiteTeardown(async () => {
    await clearFaults();
    await resetBackendSetting();
    await vscode.workspace.getConfiguration('threadline').update('provider', undefined, vscode.ConfigurationTarget.Global);
    scratch.remove();
  });

  setup(async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'chat');
  });

  const file = (name: string, content: string | Buffer) => scratch.write(name, content);
  const lastUser = async (): Promise<Message> => (await api.store.messages(api.view.currentThreadId!)).filter((m) => m.role === 'user').at(-1)!;
  const parts = (m: Message, type: ContentPart['type']) => m.content.filter((p) => p.type === type);

  test('a text file rides along inlined, shown as a chip until sent', async () => {
    const ok = await attachFile(api, file('greet.ts', 'export const greet = () => "hi";\n'));
    assert.equal(ok, true);
    await api.view.waitForRender((r) => r.pending.includes('greet.ts'));

    await api.view.receive({ type: 'send', text: 'What does this file do?' });
    const sent = await lastUser();
    assert.deepEqual(parts(sent, 'file').map((p) => p.type === 'file' && [p.name, p.text]), [['greet.ts', 'export const greet = () => "hi";\n']]);
    const request = (await recordedRequests()).filter((r) => r.path.endsWith('/chat/completions')).at(-1) as unknown as { body: { messages: { content: unknown }[] } };
    assert.match(JSON.stringify(request.body.messages.at(-1)!.content), /```typescript[\s\S]*greet/);
    const report = await api.view.waitForRender((r) => r.pending.length === 0 && !r.streaming && r.messageIds.length === 2);
    assert.equal(report.messageIds.at(-1), (await api.store.messages(api.view.currentThreadId!)).at(-1)!.id);
  });

  test('an image is sent as a data URL and kept with the message', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.attachImage', file('dot.png', PNG)), true);
    await api.view.receive({ type: 'send', text: 'What is in this picture?' });
    const image = parts(await lastUser(), 'image')[0];
    assert.ok(image && image.type === 'image');
    assert.equal(image.mime, 'image/png');
    assert.equal(image.dataUrl, `data:image/png;base64,${PNG.toString('base64')}`);
    const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
  });

  test('a file that is not an allowed image type is refused with a clear message, and nothing is queued', async () => {
    const ok = await vscode.commands.executeCommand<boolean>('threadline.attachImage', file('photo.bmp', Buffer.from('BM this is not a png')));
    assert.equal(ok, false);
    const report = await api.view.waitForRender((r) => /PNG/.test(r.notice ?? ''));
    assert.match(report.notice!, /PNG.*JPEG.*GIF.*WebP/);
    assert.deepEqual(report.pending, []);
  });

  test('a send that fails gives back both the text and the attachments', async () => {
    await attachFile(api, file('notes.txt', 'remember the milk'));
    await vscode.commands.executeCommand('threadline.clearApiKey');
    const before = api.store.get(api.view.currentThreadId!)!.messageCount;
    try {
      // Chat servers run without a key, so use a provider that needs one to make this send fail.
      await vscode.workspace.getConfiguration('threadline').update('provider', 'openai', vscode.ConfigurationTarget.Global);
      await api.view.receive({ type: 'send', text: 'keep me' });
      const report = await api.view.waitForRender((r) => r.pending.includes('notes.txt') && /API key/.test(r.notice ?? ''));
      assert.deepEqual(report.pending, ['notes.txt']);
      assert.equal(api.store.get(api.view.currentThreadId!)!.messageCount, before);
    } finally {
      await setApiKey(api, 'sk-attachments');
    }
  });
});
