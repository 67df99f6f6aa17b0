// Flow 3's "upload shows progress and can be cancelled", in a real VS Code: an upload the server
// holds is cancelled from the chip's × and from the notification's Cancel. Nothing is attached,
// the message still goes, and the server never finishes storing the file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { attachFile, cancellableProgress, chooseBackend } from './answers';
import { clearFaults, injectFault, readyPanel, recordedRequests, resetBackendSetting, scratchFolder, standInUrl, waitFor } from './helpers';

const KEY = 'sk-upload-cancel';

suite('Cancelling an upload through the panel', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel(KEY);
    scratch = scratchFolder('cancel-');
  });

  suiteTeardown(async () => {
    await clearFaults();
    await resetBackendSetting();
    scratch.remove();
  });

  setup(async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'responses');
  });

  teardown(() => clearFaults());

  // The upload's progress notification, with the Cancel a user would press.
  const notification = cancellableProgress();

  /** Starts attaching `name` while the server holds every upload; resolves once the upload is at the server, with the chip's id. */
  async function stalledUpload(name: string): Promise<{ attached: Thenable<boolean | undefined>; chipId: string }> {
    await injectFault({ method: 'POST', path: '/files', stallMs: 120_000 });
    const attached = attachFile(api, scratch.write(name, `${name} must never reach the model\n`), { progress: notification.progress });
    await api.view.waitForRender((r) => r.pending.includes(name));
    await waitFor(async () => (await recordedRequests()).some((r) => r.method === 'POST' && r.path.endsWith('/files') && JSON.stringify(r).includes(name)), `the upload of ${name} to reach the server`);
    const chip = api.view.services.nextMessage.pending(api.view.currentThreadId).find((p) => p.name === name);
    assert.equal(chip?.state, 'uploading');
    return { attached, chipId: chip!.id };
  }

  /** Names of the files the server holds. */
  async function serverFiles(): Promise<string[]> {
    const res = await fetch(`${standInUrl()}/files`, { headers: { authorization: `Bearer ${KEY}` } });
    return ((await res.json()) as { data: { filename: string }[] }).data.map((f) => f.filename);
  }

  async function assertNothingAttachedAndSendWorks(name: string): Promise<void> {
    const report = await api.view.waitForRender((r) => !r.pending.includes(name));
    assert.deepEqual(report.pending, []);
    await api.view.receive({ type: 'send', text: 'Still there?' });
    const [user, reply] = (await api.store.messages(api.view.currentThreadId!)).slice(-2);
    assert.deepEqual(user!.content, [{ type: 'text', text: 'Still there?' }], 'the cancelled file went with the message');
    assert.equal(reply!.status, 'complete', reply!.error);
    assert.ok(!(await serverFiles()).includes(name), 'the server stored the cancelled upload');
  }

  test('the chip\'s × cancels an upload in progress', async () => {
    const { attached, chipId } = await stalledUpload('held.md');
    await api.view.receive({ type: 'removeAttachment', id: chipId });
    assert.equal(await attached, false, 'the attach command reports nothing attached');
    await assertNothingAttachedAndSendWorks('held.md');
  });

  test('Cancel on the progress notification cancels an upload in progress', async () => {
    const { attached } = await stalledUpload('slow.md');
    notification.cancel();
    assert.equal(await attached, false, 'the attach command reports nothing attached');
    await assertNothingAttachedAndSendWorks('slow.md');
  });
});
