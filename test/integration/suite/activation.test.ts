import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'threadline.threadline';

suite('Activation', () => {
  test('the extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in this extension host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('its commands are registered', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['threadline.setApiKey', 'threadline.clearApiKey', 'threadline.newThread']) {
      assert.ok(commands.has(id), `command ${id} is not registered`);
    }
  });

  test('user settings point threadline.baseUrl at the stand-in server', function () {
    const standIn = process.env.THREADLINE_STAND_IN_URL;
    if (!standIn) this.skip(); // run outside the harness (e.g. @vscode/test-electron without a stand-in)
    assert.equal(vscode.workspace.getConfiguration('threadline').get<string>('baseUrl'), standIn);
  });
});
