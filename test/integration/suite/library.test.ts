// The thread library in a real VS Code: rename, pin, archive, delete (with the server's copy),
// search that jumps to the message, export to Markdown and import from JSON.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { toJson } from '../../../src/core/exportThread';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { readyPanel, recordedRequests, scratchFolder, standInUrl } from './helpers';

suite('Thread library', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-library');
    scratch = scratchFolder('library-');
  });

  suiteTeardown(() => scratch.remove());

  async function threadWith(text: string): Promise<string> {
    await vscode.commands.executeCommand('threadline.newThread');
    await api.view.receive({ type: 'send', text });
    return api.view.currentThreadId!;
  }

  test('rename sticks; pin puts a thread first; archive hides it from the panel list', async () => {
    const a = await threadWith('alpha question');
    const b = await threadWith('beta question');
    await vscode.commands.executeCommand('threadline.renameThread', a, '  Alpha   renamed ');
    assert.equal(api.store.get(a)!.title, 'Alpha renamed');
    await vscode.commands.executeCommand('threadline.togglePin', a);
    assert.equal(api.view.threads()[0]!.id, a);
    await vscode.commands.executeCommand('threadline.toggleArchive', a);
    await vscode.commands.executeCommand('threadline.switchThread', b);
    assert.ok(!api.view.threads().some((t) => t.id === a), 'an archived thread is still listed in the panel');
    assert.ok(api.view.allThreads().some((t) => t.id === a), 'archiving must not delete');
    await vscode.commands.executeCommand('threadline.toggleArchive', a);
    assert.ok(api.view.threads().some((t) => t.id === a));
  });

  test('delete removes the thread here and its conversation on the server, items first', async () => {
    const id = await threadWith('delete me please');
    const remoteId = api.store.get(id)!.remoteId!;
    const listed = await fetch(`${standInUrl()}/conversations/${remoteId}/items`, { headers: { authorization: 'Bearer sk-library' } });
    const itemIds = ((await listed.json()) as { data: { id: string }[] }).data.map((item) => item.id);
    assert.equal(itemIds.length, 2, 'the question and its reply');
    const before = (await recordedRequests()).length;
    assert.equal(await vscode.commands.executeCommand('threadline.deleteThread', id, true), true);
    assert.equal(api.store.get(id), undefined);
    const res = await fetch(`${standInUrl()}/conversations/${remoteId}`, { headers: { authorization: 'Bearer sk-library' } });
    assert.equal(res.status, 404, 'the conversation is still on the server');
    // Deleting a conversation leaves its items on OpenAI, so each goes first.
    const deletes = (await recordedRequests()).slice(before).filter((r) => r.method === 'DELETE').map((r) => r.path);
    const conversationPath = new URL(`${standInUrl()}/conversations/${remoteId}`).pathname;
    assert.deepEqual(deletes.slice(0, -1).sort(), itemIds.map((item) => `${conversationPath}/items/${item}`).sort());
    assert.equal(deletes.at(-1), conversationPath, 'the conversation goes after its items');
  });

  test('search finds a message in another thread and the panel jumps to it', async () => {
    const target = await threadWith('an opening line');
    await api.view.receive({ type: 'send', text: 'the zebra crossing question' });
    await threadWith('something else entirely');
    const hit = await vscode.commands.executeCommand<{ threadId: string; messageId?: string }>('threadline.search', 'ZEBRA crossing');
    assert.equal(hit?.threadId, target);
    assert.ok(hit?.messageId, 'the hit names no message');
    assert.equal(api.view.currentThreadId, target);
    await api.view.waitForRender((r) => r.threadId === target && r.messageIds.includes(hit!.messageId!));
  });

  test('export to Markdown opens the thread as a document; a JSON export imports back as a new thread', async () => {
    const id = await threadWith('export this conversation');
    await vscode.commands.executeCommand('threadline.exportThread', 'markdown', id);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /export this conversation/);
    assert.match(text, /Echo: export this conversation/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const file = scratch.write('thread.json', toJson(api.store.get(id)!, await api.store.messages(id)));
    const imported = await vscode.commands.executeCommand<string>('threadline.importThread', file);
    assert.ok(imported && imported !== id);
    assert.deepEqual((await api.store.messages(imported)).map((m) => m.content), (await api.store.messages(id)).map((m) => m.content));
    assert.equal(api.view.currentThreadId, imported);
  });

  test('Check Threads on the Server marks a thread whose conversation was deleted elsewhere, and keeps it readable', async () => {
    const id = await threadWith('soon gone on the server');
    const remoteId = api.store.get(id)!.remoteId!;
    const res = await fetch(`${standInUrl()}/conversations/${remoteId}`, { method: 'DELETE', headers: { authorization: 'Bearer sk-library' } });
    assert.equal(res.status, 200);
    const result = await vscode.commands.executeCommand<{ gone: string[] }>('threadline.reconcile');
    assert.deepEqual(result?.gone, [id]);
    assert.equal(api.store.get(id)!.remoteGone, true);
    assert.equal((await api.store.messages(id)).length, 2, 'the local copy must stay');
  });

  test('a message bookmarked in the panel is listed by Show Bookmarks, which jumps back to it', async () => {
    const id = await threadWith('remember this answer');
    const answer = (await api.store.messages(id)).at(-1)!;
    await api.view.receive({ type: 'toggleBookmark', messageId: answer.id });
    await api.view.waitForRender((r) => r.bookmarked.includes(answer.id));
    await threadWith('somewhere else');
    const count = await vscode.commands.executeCommand<number>('threadline.showBookmarks', 0);
    assert.ok((count ?? 0) >= 1);
    assert.equal(api.view.currentThreadId, id);
    await api.view.waitForRender((r) => r.threadId === id && r.revealed === answer.id);
  });
});
