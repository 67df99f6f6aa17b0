// Threads in editor tabs, attachments whose file changed since, and the panel list's filters, in
// a real VS Code: what a user sees in the tab and the side panel (their render reports), the
// workbench's tabs, the store and the stand-in's recorded requests.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { chooseBackend, deleteThread, renameThread, switchThread, threadMenu } from './answers';
import { clearFaults, injectFault, openInEditor, readyPanel, recordedRequests, resetBackendSetting, scratchFolder, threadTabs, waitFor } from './helpers';

suite('Threads in editor tabs', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-editor-tab');
    await chooseBackend(api, 'responses');
  });

  teardown(async () => {
    await clearFaults();
    for (const tab of api.editorPanels()) tab.panel.dispose();
  });

  suiteTeardown(() => resetBackendSetting());

  /** A new thread in the side panel (its New button: the palette command would go to an active tab). */
  async function threadWith(text: string): Promise<string> {
    await api.view.receive({ type: 'command', command: 'newThread' });
    await api.view.receive({ type: 'send', text });
    return api.view.currentThreadId!;
  }

  test('a thread opens in a tab that shows its messages; a message sent there streams in the tab and the side panel, Stop works, and it is stored', async () => {
    const id = await threadWith('first, from the side panel');
    const tab = await openInEditor(api, id);
    const stored = await api.store.messages(id);
    let report = await tab.waitForRender((r) => r.messageIds.length === 2);
    assert.deepEqual(report.messageIds, stored.map((m) => m.id));
    assert.deepEqual(threadTabs(), [api.store.get(id)!.title]);

    await tab.receive({ type: 'send', text: 'second, from the tab' });
    report = await tab.waitForRender((r) => r.messageIds.length === 4 && !r.streaming);
    assert.equal(report.lastText.trim(), 'Echo: second, from the tab');
    assert.deepEqual((await api.store.messages(id)).map((m) => m.id), report.messageIds);
    // The side panel shows the same thread and got the same messages.
    await api.view.waitForRender((r) => r.threadId === id && r.messageIds.length === 4);

    // A reply held at the server streams into both; Stop in the tab ends it.
    await injectFault({ path: '/v1/responses', stallMs: 10_000, times: 1 });
    const sending = tab.receive({ type: 'send', text: 'take your time' });
    await tab.waitForRender((r) => r.streaming);
    await api.view.waitForRender((r) => r.threadId === id && r.streaming);
    await tab.receive({ type: 'stop' });
    await sending;
    assert.equal((await api.store.messages(id)).at(-1)!.status, 'cancelled');
    await tab.waitForRender((r) => !r.streaming && r.messageIds.length === 6);
    await api.view.waitForRender((r) => !r.streaming && r.messageIds.length === 6);
  });

  test('opening a thread twice gives one tab; the tab\'s switcher changes that tab only', async () => {
    const id = await threadWith('open me twice');
    const first = await openInEditor(api, id);
    const again = await openInEditor(api, id);
    assert.equal(again, first);
    assert.equal(threadTabs().filter((t) => t === api.store.get(id)!.title).length, 1);

    const other = await threadWith('another thread');
    const sidePanelThread = await threadWith('the side panel stays here');
    await first.receive({ type: 'switchThread', threadId: other });
    const report = await first.waitForRender((r) => r.threadId === other);
    assert.deepEqual(report.messageIds, (await api.store.messages(other)).map((m) => m.id));
    assert.equal(first.title, api.store.get(other)!.title);
    assert.equal(api.view.currentThreadId, sidePanelThread, 'switching in the tab moved the side panel');
    await api.view.waitForRender((r) => r.threadId === sidePanelThread);
    // No tab shows the first thread now, so opening it makes a new one.
    const second = await openInEditor(api, id);
    assert.notEqual(second, first);
    assert.equal(api.editorPanels().length, 2);
  });

  test('renaming the thread retitles its tab; deleting the thread closes the tab', async () => {
    const id = await threadWith('soon renamed');
    const tab = await openInEditor(api, id);
    await renameThread(api, id, 'Renamed in a tab');
    assert.equal(tab.title, 'Renamed in a tab');
    await waitFor(() => threadTabs().includes('Renamed in a tab'), 'the tab label to change');

    assert.equal(await deleteThread(api, id), true);
    assert.ok(!api.editorPanels().includes(tab), 'the session of the deleted thread is still open');
    await waitFor(() => !threadTabs().includes('Renamed in a tab'), 'the tab to close');
  });

  test('with a Threadline tab active, palette commands act on its thread', async () => {
    const id = await threadWith('the tab\'s thread');
    const tab = await openInEditor(api, id);
    const sidePanelThread = await threadWith('the side panel\'s thread');
    tab.reveal();
    await waitFor(() => tab.isActiveEditor, 'the tab to become active');
    await renameThread(api, undefined, 'Named from the palette');
    assert.equal(api.store.get(id)!.title, 'Named from the palette');
    assert.notEqual(api.store.get(sidePanelThread)!.title, 'Named from the palette');
    tab.panel.dispose();
  });
});

suite('Attachments whose file changed since', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-changed');
    scratch = scratchFolder('changed-');
  });

  suiteTeardown(async () => {
    scratch.remove();
    await resetBackendSetting();
  });

  const uploads = async () => (await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/files')).length;
  const userMessages = async (threadId: string) => (await api.store.messages(threadId)).filter((m) => m.role === 'user');

  test('a file edited and saved after it was sent is marked changed; asking about it again uploads the new content', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'responses');
    const threadId = api.view.currentThreadId!;
    const file = scratch.write('spec.md', '# Spec\nversion one\n');
    const before = await uploads();
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', file), true);
    await api.view.receive({ type: 'send', text: 'What does the spec say?' });
    const [first] = await userMessages(threadId);
    const sent = first!.content.find((p) => p.type === 'file');
    assert.ok(sent?.type === 'file' && sent.source, 'the file part does not say where it came from');
    assert.equal(sent.source.uri, file.toString());
    assert.deepEqual((await api.view.waitForRender((r) => r.messageIds.length === 2)).attachmentMarks, []);

    // Edit and save in an editor.
    const doc = await vscode.workspace.openTextDocument(file);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(file, new vscode.Position(2, 0), 'version two\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    const report = await api.view.waitForRender((r) => r.attachmentMarks.length > 0);
    assert.deepEqual(report.attachmentMarks, [{ messageId: first!.id, name: 'spec.md', state: 'changed' }]);

    // Asked about again: the new content is uploaded (not the earlier upload reused) and is not marked.
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', file), true);
    assert.equal(await uploads(), before + 2, 'the changed content was not uploaded again');
    await api.view.receive({ type: 'send', text: 'And now?' });
    const [, second] = await userMessages(threadId);
    const marks = (await api.view.waitForRender((r) => r.messageIds.includes(second!.id) && !r.streaming)).attachmentMarks;
    assert.deepEqual(marks.map((m) => m.messageId), [first!.id]);
  });

  test('a file changed on disk while another thread was shown is marked when its thread is shown; a deleted one is marked missing', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    const threadId = api.view.currentThreadId!;
    const file = scratch.write('data.csv', 'a,b\n1,2\n');
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.askAboutFile', file), true);
    await api.view.receive({ type: 'send', text: 'Sum the columns.' });
    const [message] = await userMessages(threadId);

    await vscode.commands.executeCommand('threadline.newThread');
    fs.writeFileSync(file.fsPath, 'a,b\n1,2\n3,4\n');
    await switchThread(api, threadId);
    // Waits for the mark itself: a report from before the switch may still name this thread.
    let report = await api.view.waitForRender((r) => r.threadId === threadId && r.attachmentMarks.length > 0);
    assert.deepEqual(report.attachmentMarks, [{ messageId: message!.id, name: 'data.csv', state: 'changed' }]);

    // Deleted on disk while shown: the file watcher tells, and the chip says so.
    fs.rmSync(file.fsPath);
    report = await api.view.waitForRender((r) => r.attachmentMarks.some((m) => m.state === 'missing'), 20_000);
    assert.deepEqual(report.attachmentMarks, [{ messageId: message!.id, name: 'data.csv', state: 'missing' }]);
  });
});

suite('The panel list\'s filters', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-filters');
  });

  suiteTeardown(async () => {
    await api.view.receive({ type: 'setListFilter', filter: { showArchived: false, allWorkspaces: false } });
  });

  test('archived threads are hidden until the toggle shows them; other folders\' threads until "All folders"', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    const archived = api.view.currentThreadId!;
    await vscode.commands.executeCommand('threadline.toggleArchive', threadMenu(archived));
    const elsewhere = await api.store.create({ backend: 'chat', workspaceFolder: '/somewhere/else/project' });
    await vscode.commands.executeCommand('threadline.newThread');
    const here = api.view.currentThreadId!;

    let report = await api.view.waitForRender((r) => r.threadId === here);
    assert.ok(report.listed.includes(here));
    assert.ok(!report.listed.includes(archived), 'an archived thread is listed by default');
    assert.ok(!report.listed.includes(elsewhere.id), "another folder's thread is listed by default");

    await api.view.receive({ type: 'setListFilter', filter: { showArchived: true, allWorkspaces: false } });
    report = await api.view.waitForRender((r) => r.listed.includes(archived));
    assert.ok(!report.listed.includes(elsewhere.id));

    await api.view.receive({ type: 'setListFilter', filter: { showArchived: true, allWorkspaces: true } });
    report = await api.view.waitForRender((r) => r.listed.includes(elsewhere.id));
    assert.ok(report.listed.includes(archived));

    // Remembered for the workspace: a tab opened now lists the same.
    const tab = await openInEditor(api, here);
    const tabReport = await tab.waitForRender((r) => r.listed.includes(elsewhere.id) && r.listed.includes(archived));
    assert.ok(tabReport.listed.includes(here));
    tab.panel.dispose();

    await api.view.receive({ type: 'setListFilter', filter: { showArchived: false, allWorkspaces: false } });
    report = await api.view.waitForRender((r) => !r.listed.includes(archived) && !r.listed.includes(elsewhere.id));
    assert.ok(report.listed.includes(here));
  });
});
