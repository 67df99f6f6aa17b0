// The thread library in a real VS Code: rename, pin, archive, delete (with the server's copy),
// search that jumps to the message, export to Markdown and import from JSON.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { toJson } from '../../../src/core/library/exportThread';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import type { RenderReport } from '../../../src/shared/testChannel';
import { answering, deleteThread, pickWhere, renameThread, switchThread, threadMenu } from './answers';
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

  /** The panel's switcher row of `threadId`, once it shows one satisfying `check`. */
  async function listedRow(threadId: string, check: (label: string, index: number) => boolean): Promise<string> {
    const row = (r: RenderReport) => {
      const index = r.listed.indexOf(threadId);
      return index === -1 ? undefined : { label: r.listedLabels?.[index] ?? '', index };
    };
    const report = await api.view.waitForRender((r) => {
      const found = row(r);
      return found !== undefined && check(found.label, found.index);
    });
    return row(report)!.label;
  }

  test('rename sticks; pin puts a thread first; archive hides it from the panel list', async () => {
    const a = await threadWith('alpha question');
    const b = await threadWith('beta question');
    await renameThread(api, a, '  Alpha   renamed ');
    assert.equal(api.store.get(a)!.title, 'Alpha renamed');
    assert.match(await listedRow(a, (label) => label.includes('Alpha renamed')), /^Alpha renamed — /);
    await vscode.commands.executeCommand('threadline.togglePin', threadMenu(a));
    assert.equal(api.view.threads()[0]!.id, a);
    // First, and marked pinned (as screen readers hear the row; sighted users see the pin icon).
    await listedRow(a, (label, index) => index === 0 && label.startsWith('Pinned: Alpha renamed'));
    await vscode.commands.executeCommand('threadline.toggleArchive', threadMenu(a));
    await switchThread(api, b);
    assert.ok(!api.view.threads().some((t) => t.id === a), 'an archived thread is still listed in the panel');
    await api.view.waitForRender((r) => r.threadId === b && !r.listed.includes(a));
    assert.ok(api.view.allThreads().some((t) => t.id === a), 'archiving must not delete');
    // Shown again with the Archived filter, flagged as such.
    await api.view.receive({ type: 'setListFilter', filter: { showArchived: true, allWorkspaces: false } });
    assert.match(await listedRow(a, (label) => label.includes('(archived)')), /\(archived\) Alpha renamed/);
    await api.view.receive({ type: 'setListFilter', filter: { showArchived: false, allWorkspaces: false } });
    await vscode.commands.executeCommand('threadline.toggleArchive', threadMenu(a));
    assert.ok(api.view.threads().some((t) => t.id === a));
    await listedRow(a, (label) => !label.includes('(archived)'));
    await vscode.commands.executeCommand('threadline.togglePin', threadMenu(a));
  });

  test('with no thread open, the commands about a thread say so instead of doing nothing', async () => {
    await threadWith('about to go');
    await deleteThread(api);
    await api.view.waitForRender((r) => r.threadId === undefined);
    const shown: string[] = [];
    const answered = api.answerPrompts({ info: async (message) => void shown.push(message) });
    try {
      for (const command of ['renameThread', 'togglePin', 'toggleArchive', 'deleteThread', 'exportThread', 'stop']) {
        shown.length = 0;
        await vscode.commands.executeCommand(`threadline.${command}`);
        assert.equal(shown.length, 1, `threadline.${command} said nothing`);
        assert.match(shown[0]!, command === 'stop' ? /no reply is streaming/ : /no thread is open\. Start one with "Threadline: New Thread"/, command);
      }
    } finally {
      answered.dispose();
    }
    assert.equal(api.view.currentThreadId, undefined, 'a command created a thread after all');
  });

  test('delete removes the thread here and its conversation on the server, items first', async () => {
    const id = await threadWith('delete me please');
    const remoteId = api.store.get(id)!.remoteId!;
    const listed = await fetch(`${standInUrl()}/conversations/${remoteId}/items`, { headers: { authorization: 'Bearer sk-library' } });
    const itemIds = ((await listed.json()) as { data: { id: string }[] }).data.map((item) => item.id);
    assert.equal(itemIds.length, 2, 'the question and its reply');
    const before = (await recordedRequests()).length;
    assert.equal(await deleteThread(api, id), true);
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
    // Typed into the search's Quick Pick; its first hit accepted.
    const hit = await answering<{ threadId: string; messageId?: string }>(api, { search: async (_title, itemsFor) => (await itemsFor('ZEBRA crossing'))[0] }, 'threadline.search');
    assert.equal(hit?.threadId, target);
    assert.ok(hit?.messageId, 'the hit names no message');
    assert.equal(api.view.currentThreadId, target);
    await api.view.waitForRender((r) => r.threadId === target && r.messageIds.includes(hit!.messageId!));
  });

  test('export to Markdown opens the thread as a document; a JSON export imports back as a new thread', async () => {
    const id = await threadWith('export this conversation');
    await answering(api, { pick: pickWhere((item) => item.format === 'markdown') }, 'threadline.exportThread', threadMenu(id));
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /export this conversation/);
    assert.match(text, /Echo: export this conversation/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const file = scratch.write('thread.json', toJson(api.store.get(id)!, await api.store.messages(id)));
    const imported = await answering<string>(api, { openDialog: async () => file }, 'threadline.importThread');
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
    // The panel flags it and still shows its messages.
    assert.match(await listedRow(id, (label) => label.includes('(gone on server)')), /\(gone on server\)/);
    await api.view.waitForRender((r) => r.threadId === id && r.messageIds.length === 2);
  });

  test('a message bookmarked in the panel is listed by Show Bookmarks, which jumps back to it', async () => {
    const id = await threadWith('remember this answer');
    const answer = (await api.store.messages(id)).at(-1)!;
    await api.view.receive({ type: 'toggleBookmark', messageId: answer.id });
    await api.view.waitForRender((r) => r.bookmarked.includes(answer.id));
    await threadWith('somewhere else');
    const count = await answering<number>(api, { pick: async (items) => items[0] }, 'threadline.showBookmarks');
    assert.ok((count ?? 0) >= 1);
    assert.equal(api.view.currentThreadId, id);
    await api.view.waitForRender((r) => r.threadId === id && r.revealed === answer.id);
  });
});
