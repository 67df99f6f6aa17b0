// Editor integration in a real VS Code: Ask about this file (starting a thread when none is open),
// the same content attached twice is uploaded once, and Ask about selection puts the lines, with
// file name and line numbers, in the composer.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { chooseBackend, deleteThread, setApiKey } from './answers';
import { readyPanel, recordedRequests, resetBackendSetting, scratchFolder } from './helpers';

suite('Editor integration', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-editor');
    scratch = scratchFolder('editor-');
  });

  suiteTeardown(async () => {
    scratch.remove();
    await resetBackendSetting();
  });

  const uploads = async () => (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/files')).length;

  test('with no thread open, Ask about this file starts one, with the file attached', async () => {
    const open = api.view.currentThreadId;
    if (open) await deleteThread(api, open);
    await api.view.waitForRender((r) => r.threadId === undefined);
    const before = api.store.list().length;
    const file = scratch.write('question.md', 'What does this do?\n');
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', file), true);
    const id = api.view.currentThreadId;
    assert.ok(id, 'no thread was started');
    assert.equal(api.store.list().length, before + 1);
    await api.view.waitForRender((r) => r.threadId === id && r.pending.includes('question.md') && r.listed.includes(id));
  });

  test('Ask about this file attaches it to the current thread; the same content is uploaded once', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'responses');
    const first = scratch.write('plan.md', '# Plan\n1. Ship.\n');
    const before = await uploads();
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', first), true);
    await api.view.waitForRender((r) => r.pending.includes('plan.md'));
    assert.equal(await uploads(), before + 1);

    // A copy under another name, same bytes: no second upload, still attached under its own name.
    const copy = scratch.write('plan-copy.md', '# Plan\n1. Ship.\n');
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', copy), true);
    const report = await api.view.waitForRender((r) => r.pending.includes('plan-copy.md'));
    assert.deepEqual(report.pending, ['plan.md', 'plan-copy.md']);
    assert.equal(await uploads(), before + 1, 'the same content was uploaded again');

    await api.view.receive({ type: 'send', text: 'Compare these.' });
    const user = (await api.store.messages(api.view.currentThreadId!)).filter((m) => m.role === 'user').at(-1)!;
    assert.deepEqual(user.content.filter((p) => p.type === 'file').map((p) => p.type === 'file' && p.name), ['plan.md', 'plan-copy.md']);

    // Another account (a new key) cannot use the first account's file: the same bytes go up again.
    await setApiKey(api, 'sk-editor-other-account');
    try {
      assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', first), true);
      await api.view.waitForRender((r) => r.pending.includes('plan.md'));
      assert.equal(await uploads(), before + 2, 'a file id of the earlier account was reused');
    } finally {
      await setApiKey(api, 'sk-editor');
    }
  });

  test('Ask about selection puts the selected lines with file and line numbers in the composer', async () => {
    const uri = scratch.write('math.ts', 'export const one = 1;\nexport function add(a: number, b: number) {\n  return a + b;\n}\n');
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(1, 0, 3, 1);
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutSelection'), true);
    const report = await api.view.waitForRender((r) => r.draft.includes('return a + b;'));
    assert.match(report.draft, /math\.ts:2-4\n```typescript\nexport function add\(a: number, b: number\) \{\n {2}return a \+ b;\n\}\n```/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
