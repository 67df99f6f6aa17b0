// Retention in a real VS Code: setting threadline.autoArchiveDays archives the threads idle that
// long at once (the panel stops listing them), and leaves a thread alone while its reply streams.
// The setting takes fractions of a day, so a few seconds of idleness stand in for days.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { threadMenu } from './answers';
import { clearFaults, injectFault, readyPanel, waitFor } from './helpers';

const DAY_SECONDS = 24 * 60 * 60;
const IDLE_SECONDS = 2;

suite('Retention', () => {
  let api: ThreadlineTestApi;
  /** Threads that were not archived before the test: it unarchives those it archived. */
  let unarchived: string[] = [];

  suiteSetup(async () => {
    api = await readyPanel('sk-retention');
    unarchived = api.store.list().filter((t) => !t.archived).map((t) => t.id);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('threadline').update('autoArchiveDays', undefined, vscode.ConfigurationTarget.Global);
    await clearFaults();
    for (const id of unarchived) if (api.store.get(id)?.archived) await vscode.commands.executeCommand('threadline.toggleArchive', threadMenu(id));
  });

  test('auto-archive archives idle threads when the setting changes, and skips one whose reply is streaming', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    const idle = api.view.currentThreadId!;
    await api.view.receive({ type: 'send', text: 'an old conversation' });
    unarchived.push(idle);

    await vscode.commands.executeCommand('threadline.newThread');
    const busy = api.view.currentThreadId!;
    unarchived.push(busy);
    await injectFault({ path: '/v1/responses', stallMs: 15_000, times: 1 });
    const sending = api.view.receive({ type: 'send', text: 'a reply that takes its time' });
    await api.view.waitForRender((r) => r.threadId === busy && r.streaming);
    // Both are idle longer than the setting will allow; only the busy one has a reply in flight.
    await new Promise((r) => setTimeout(r, (IDLE_SECONDS + 0.5) * 1000));

    await vscode.workspace.getConfiguration('threadline').update('autoArchiveDays', IDLE_SECONDS / DAY_SECONDS, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.store.get(idle)?.archived === true, 'the idle thread to be archived');
    // Newer first: the busy thread was looked at before the idle one.
    assert.ok(!api.store.get(busy)!.archived, 'a thread with a streaming reply was archived');
    await api.view.waitForRender((r) => r.threadId === busy && !r.listed.includes(idle));

    await api.view.receive({ type: 'stop' });
    await sending;
  });
});
