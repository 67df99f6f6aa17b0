// The library looked after, in a real VS Code: a delete that can be undone, Recently Deleted,
// Check Library on a record damaged in place, a library folder that turns read-only, another
// window (a second process on the same library) whose changes show here live, and the server
// threads that follow the user to other machines through Settings Sync.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import type { CheckReport } from '../../../src/core/library/threadStore';
import { messageText } from '../../../src/core/model';
import type { Message, ThreadMeta } from '../../../src/core/model';
import type { Prompts } from '../../../src/host/prompts';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { ROAMING_KEY } from '../../../src/host/library/roamingSync';
import { answering, deleteThread, pickWhere, switchThread } from './answers';
import { readyPanel, standInUrl, waitFor } from './helpers';

suite('Library care', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-care');
  });

  teardown(() => void api.answerPrompts(undefined));

  async function threadWith(text: string): Promise<string> {
    await vscode.commands.executeCommand('threadline.newThread');
    await api.view.receive({ type: 'send', text });
    return api.view.currentThreadId!;
  }

  /** Notifications Threadline shows, answered by `answer` (nothing picked by default). */
  function notifications(answer: (message: string, actions: string[]) => string | undefined = () => undefined) {
    const shown: Array<{ kind: 'info' | 'warn' | 'error'; message: string; actions: string[] }> = [];
    const record = (kind: 'info' | 'warn' | 'error') => async (message: string, ...actions: string[]) => {
      shown.push({ kind, message, actions });
      return answer(message, actions);
    };
    api.answerPrompts({ info: record('info'), warn: record('warn'), error: record('error') });
    return shown;
  }

  test('delete says where the thread went; Undo brings it back whole, and its next message starts a new server copy', async () => {
    const id = await threadWith('keep me, please');
    const remoteId = api.store.get(id)!.remoteId!;
    const shown = notifications((_message, actions) => actions.find((a) => a === 'Undo'));
    assert.equal(await deleteThread(api, id), true);
    await waitFor(() => api.store.get(id) !== undefined, 'Undo to bring the thread back');
    assert.match(shown[0]!.message, /deleted "keep me, please"\. It stays in Recently Deleted for 30 days/);
    await api.view.waitForRender((r) => r.threadId === id && r.messageIds.length === 2);
    // Its server conversation was deleted for good: the next send makes a new one with the history.
    assert.equal(api.store.get(id)!.remoteGone, true);
    assert.equal(api.store.get(id)!.goneRemoteId, remoteId);
    await api.view.receive({ type: 'send', text: 'still there?' });
    const messages = await api.store.messages(id);
    assert.deepEqual(messages.map(messageText).filter((_, i) => i % 2 === 0), ['keep me, please', 'still there?']);
    assert.notEqual(api.store.get(id)!.remoteId, remoteId);
  });

  test('Recently Deleted restores a deleted thread; one deleted for good is gone', async () => {
    notifications();
    const id = await threadWith('into the trash');
    await deleteThread(api, id);
    assert.equal(api.store.get(id), undefined);
    assert.ok((await api.store.trash()).some((e) => e.thread.id === id && e.thread.title === 'into the trash'));
    const restoring = pickWhere((item) => item.id === id);
    assert.equal(await answering(api, { pickWithButton: restoring }, 'threadline.recentlyDeleted'), id);
    assert.equal(api.view.currentThreadId, id);
    assert.deepEqual((await api.store.messages(id)).map(messageText)[0], 'into the trash');

    // Deleted again, then for good with its row's trash button, confirmed.
    await deleteThread(api, id);
    let offered: string[] = [];
    const forever: Partial<Prompts> = {
      pickWithButton: async (items, _options, onButton) => {
        const row = items.find((item) => 'id' in item && item.id === id);
        assert.ok(row, 'the deleted thread is not offered');
        offered = (await onButton(row)).map((item) => item.label);
        return undefined;
      },
      confirm: async () => true,
    };
    assert.equal(await answering(api, forever, 'threadline.recentlyDeleted'), undefined);
    assert.ok(!(await api.store.trash()).some((e) => e.thread.id === id));
    assert.ok(!offered.includes('into the trash'), 'the pick still offers the thread deleted for good');
    assert.equal(await answering(api, { pickWithButton: restoring }, 'threadline.recentlyDeleted'), undefined);
  });

  test('Check Library finds a record damaged in place, keeps its bytes in a side file and corrects the count; then the library is intact', async () => {
    const shown = notifications();
    const id = await threadWith('a message to damage');
    const file = path.join(api.storageDir, 'threads', `${id}.jsonl`);
    const before = fs.readFileSync(file, 'utf8');
    // One letter changed, the size the same: JSON still parses; only the checksum can tell.
    fs.writeFileSync(file, before.replace('a message to damage', 'a message to dbmage'));
    assert.equal(api.store.get(id)!.messageCount, 2, 'the index still counts the damaged message');

    const report = await vscode.commands.executeCommand<CheckReport>('threadline.checkLibrary');
    assert.equal(report.setAside.length, 1);
    assert.equal(report.setAside[0]!.threadId, id);
    assert.match(fs.readFileSync(report.setAside[0]!.file, 'utf8'), /a message to dbmage/);
    assert.equal(api.store.get(id)!.messageCount, 1);
    assert.match(shown.at(-1)!.message, /1 damaged record\(s\) in 1 thread\(s\) were copied to a side file/);
    await switchThread(api, id);
    await api.view.waitForRender((r) => r.threadId === id && r.messageIds.length === 1);

    const again = await vscode.commands.executeCommand<CheckReport>('threadline.checkLibrary');
    assert.deepEqual(again.setAside, []);
    assert.match(shown.at(-1)!.message, /the library is intact/);
  });

  test('a library folder turned read-only: the send is refused with what to do, the user is told once, and after Retry the message is stored once', async function () {
    const threads = path.join(api.storageDir, 'threads');
    await vscode.commands.executeCommand('threadline.newThread');
    const threadId = api.view.currentThreadId!;
    const bind = spawnSync('mount', ['--bind', threads, threads]);
    if (bind.status !== 0) this.skip(); // needs root and mount: CI has both
    try {
      const remount = spawnSync('mount', ['-o', 'remount,bind,ro', threads]);
      assert.equal(remount.status, 0, String(remount.stderr));
      const shown = notifications();
      await api.view.receive({ type: 'send', text: 'written while read-only' });
      const refused = await api.view.waitForRender((r) => r.draft.startsWith('written while read-only'));
      assert.match(refused.notice ?? '', /^Not saved: the Threadline library folder is read-only\. Make it writable and try again\.$/);
      await waitFor(() => shown.some((n) => n.kind === 'error'), 'the notification');
      const told = shown.filter((n) => n.kind === 'error');
      assert.deepEqual(told[0]!.actions, ['Retry', 'Open Storage Folder', 'Check Library']);
      assert.ok(told[0]!.message.startsWith(`The Threadline library folder is read-only (${threads}). Make it writable, then choose Retry. Your threads can still be read`), told[0]!.message);
      await api.view.receive({ type: 'send', text: 'written while read-only' });
      assert.equal(shown.filter((n) => n.kind === 'error').length, 1, 'told once, not on every send');
      assert.equal(api.store.health.writable, false);
      assert.equal(api.store.get(threadId)!.messageCount, 0);
    } finally {
      spawnSync('umount', [threads]);
    }
    const shown = notifications();
    assert.equal((await api.store.retryWrites()).writable, true);
    await waitFor(() => shown.some((n) => /takes changes again/.test(n.message)), 'word that writes work again');
    await api.view.receive({ type: 'send', text: 'written while read-only' });
    const texts = (await api.store.messages(threadId)).filter((m) => m.role === 'user').map(messageText);
    assert.deepEqual(texts, ['written while read-only']);
  });

  test('what another window does to the library shows here without a reload: a new thread, a message, a rename, a delete', async () => {
    const other = await otherWindow(api.storageDir);
    try {
      const thread = (await other.ask({ op: 'create', title: 'Made in the other window' })) as ThreadMeta;
      await api.view.waitForRender((r) => r.listed.includes(thread.id));
      await switchThread(api, thread.id);
      const message = (await other.ask({ op: 'append', threadId: thread.id, role: 'user', text: 'typed over there' })) as Message;
      const shown = await api.view.waitForRender((r) => r.messageIds.includes(message.id));
      assert.equal(shown.lastText, 'typed over there');
      assert.equal(api.store.get(thread.id)!.messageCount, 1);
      await other.ask({ op: 'rename', threadId: thread.id, title: 'Renamed over there' });
      await api.view.waitForRender((r) => (r.listedLabels ?? []).some((label) => label.startsWith('Renamed over there')));
      await other.ask({ op: 'delete', threadId: thread.id });
      await api.view.waitForRender((r) => r.threadId === undefined && !r.listed.includes(thread.id));
    } finally {
      other.close();
    }
  });

  test('a synced value that arrives while a merge runs is merged, not overwritten by that merge', async () => {
    const id = 'th_fromdesktop_0001';
    const now = Date.now();
    const running = api.roaming.merge();
    // Settings Sync brings another machine's list while this window's merge is under way.
    const before = api.globalState.get<{ threads: unknown[]; deleted: unknown[] }>(ROAMING_KEY) ?? { threads: [], deleted: [] };
    const desktop = { id, remoteId: 'conv_on_desktop', backend: 'responses', title: 'From my desktop', createdAt: now - 1000, updatedAt: now - 1000, server: new URL(standInUrl()).origin };
    await api.globalState.update(ROAMING_KEY, { version: 1, threads: [...before.threads, desktop], deleted: before.deleted });
    await running;
    const synced = api.globalState.get<{ threads: { id: string }[] }>(ROAMING_KEY);
    assert.ok(synced?.threads.some((t) => t.id === id), "the other machine's thread was dropped from the synced list");
    await api.roaming.merge();
    await api.view.waitForRender((r) => r.listed.includes(id));
  });

  test("another machine's server threads are listed, open from the server with their title and pin, and no message text is synced", async () => {
    notifications();
    const base = new URL(standInUrl());
    const res = await fetch(`${base.href}/conversations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-care', 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ type: 'message', role: 'user', content: 'asked on the laptop' }, { type: 'message', role: 'assistant', content: 'answered on the laptop' }] }),
    });
    const conversation = (await res.json()) as { id: string };
    const id = 'th_fromlaptop_0001';
    const now = Date.now();
    await api.globalState.update(ROAMING_KEY, {
      version: 1,
      threads: [{ id, remoteId: conversation.id, backend: 'responses', title: 'From my laptop', createdAt: now - 60_000, updatedAt: now - 60_000, pinned: true, server: base.origin }],
      deleted: [],
    });
    await api.roaming.merge();
    const listed = await api.view.waitForRender((r) => r.listed.includes(id));
    assert.match(listed.listedLabels![listed.listed.indexOf(id)]!, /From my laptop — .*on another machine/);
    assert.equal(api.store.get(id), undefined, 'nothing is loaded before it is opened');

    await switchThread(api, id);
    const thread = api.store.get(id)!;
    assert.equal(thread.title, 'From my laptop');
    assert.equal(thread.pinned, true);
    assert.equal(thread.remoteId, conversation.id);
    assert.deepEqual((await api.store.messages(id)).map(messageText), ['asked on the laptop', 'answered on the laptop']);
    await api.view.waitForRender((r) => r.threadId === id && r.messageIds.length === 2);

    await api.roaming.merge();
    const synced = JSON.stringify(api.globalState.get(ROAMING_KEY));
    assert.ok(synced.includes(conversation.id));
    assert.ok(!synced.includes('answered on the laptop'), 'message text went into the synced value');
    assert.ok(!/sk-care/.test(synced), 'a key went into the synced value');
    const local = api.store.list().filter((t) => t.backend === 'chat');
    for (const t of local) assert.ok(!synced.includes(t.id), `a thread that lives only on this machine was synced: ${t.title}`);
  });
});

/** A second window on the same library: a Node process running the library core (fakes/otherWindow.ts). */
async function otherWindow(storageDir: string): Promise<{ ask(command: Record<string, unknown>): Promise<unknown>; close(): void }> {
  const script = path.join(__dirname, '..', 'fakes', 'otherWindow.js');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script, storageDir], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
  assert.deepEqual(await next(), { ready: true });
  return {
    async ask(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const answer = await next();
      if (typeof answer.error === 'string') throw new Error(answer.error);
      return answer;
    },
    close: () => child.kill(),
  };
}
