import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

  test('every command the palette and the walkthrough offer is registered, and every walkthrough page ships', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributes = ext.packageJSON.contributes as { commands: { command: string }[]; walkthroughs: { steps: { description: string; media: { markdown?: string } }[] }[] };
    for (const { command } of contributes.commands) assert.ok(registered.has(command), `${command} is contributed but not registered`);
    const steps = contributes.walkthroughs.flatMap((w) => w.steps);
    assert.ok(steps.length >= 3, 'the walkthrough has its steps');
    for (const step of steps) {
      for (const [, id] of step.description.matchAll(/\(command:([\w.]+)/g)) assert.ok(registered.has(id!), `the walkthrough links to ${id}, which is not registered`);
      if (step.media.markdown) assert.ok(fs.existsSync(path.join(ext.extensionPath, step.media.markdown)), `${step.media.markdown} is missing`);
    }
  });

  test('user settings point threadline.baseUrl at the stand-in server', function () {
    const standIn = process.env.THREADLINE_STAND_IN_URL;
    if (!standIn) this.skip(); // run outside the harness (e.g. @vscode/test-electron without a stand-in)
    assert.equal(vscode.workspace.getConfiguration('threadline').get<string>('baseUrl'), standIn);
  });
});
