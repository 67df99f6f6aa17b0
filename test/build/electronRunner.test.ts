// The desktop runner of the integration suite (test/harness/electron.mjs): which VS Code it finds,
// and that @vscode/test-electron hands that VS Code the suite, the workspace, a profile of its own
// and the stand-in's URL. This machine has no desktop VS Code, so a stand-in executable plays it:
// it records what it was started with and answers as the suite's entry would.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface ElectronRunner {
  findDesktopVSCode(options?: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform }): string | undefined;
  runIntegrationElectron(options: { standInUrl: string; vscodeExecutablePath?: string; grep?: string }): Promise<{ passed: number; failed: number; skipped: number; crashed?: string }>;
}
const runner = (): Promise<ElectronRunner> => import(pathToFileURL(path.join(REPO, 'test', 'harness', 'electron.mjs')).href) as Promise<ElectronRunner>;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-electron-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs `task` with the runner's console lines (its own "N passed, N failed" among them) kept out of this run's output. */
async function quietly<T>(task: () => Promise<T>): Promise<T> {
  // Only console.log: this file's test results go to the runner over stdout itself.
  const log = console.log;
  console.log = () => undefined;
  try {
    return await task();
  } finally {
    console.log = log;
  }
}

function file(target: string, content: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content, { mode });
  return target;
}

describe('the desktop VS Code runner', () => {
  test('finds the Electron binary behind the `code` launcher on PATH, and nothing where there is none', async () => {
    const { findDesktopVSCode } = await runner();
    const install = path.join(scratch, 'VSCode-linux-x64');
    const electron = file(path.join(install, 'code'), '');
    file(path.join(install, 'bin', 'code'), '#!/bin/sh\n');
    const onPath = path.join(scratch, 'path-bin');
    fs.mkdirSync(onPath);
    fs.symlinkSync(path.join(install, 'bin', 'code'), path.join(onPath, 'code'));
    assert.equal(findDesktopVSCode({ env: { PATH: onPath }, platform: 'linux' }), electron);

    // A `code` launcher with no Electron beside it (code-server's remote CLI, say) is not a desktop install.
    const lone = path.join(scratch, 'lone');
    file(path.join(lone, 'code'), '#!/bin/sh\n');
    assert.equal(findDesktopVSCode({ env: { PATH: lone }, platform: 'linux' }), undefined);
    assert.equal(findDesktopVSCode({ env: { PATH: '' }, platform: 'linux' }), undefined);
    // An explicit executable wins, if it exists.
    assert.equal(findDesktopVSCode({ env: { PATH: onPath, THREADLINE_VSCODE_EXECUTABLE: path.join(lone, 'code') }, platform: 'linux' }), path.join(lone, 'code'));
    assert.equal(findDesktopVSCode({ env: { PATH: onPath, THREADLINE_VSCODE_EXECUTABLE: path.join(lone, 'missing') }, platform: 'linux' }), undefined);
  });

  test('starts VS Code on the suite with the workspace, its own profile and the stand-in URL, and reads back the counts', async () => {
    const { runIntegrationElectron } = await runner();
    const record = path.join(scratch, 'started-with.json');
    // Plays VS Code: records its arguments and the suite's environment, then writes the result the
    // suite's entry (test/integration/index.ts) would: one test passed, one failed, exit code 1.
    const fakeVSCode = file(path.join(scratch, 'fake-vscode'), `#!${process.execPath}
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), standIn: process.env.THREADLINE_STAND_IN_URL, grep: process.env.THREADLINE_TEST_GREP }));
fs.writeFileSync(process.env.THREADLINE_TEST_RESULT, JSON.stringify({ passed: 1, failed: 1, skipped: 0, done: true, tests: [
  { title: 'suite works', state: 'passed', durationMs: 1 },
  { title: 'suite breaks', state: 'failed', durationMs: 1, error: 'AssertionError: no' },
] }));
process.exit(1);
`);
    const counts = await quietly(() => runIntegrationElectron({ standInUrl: 'http://127.0.0.1:9/v1', vscodeExecutablePath: fakeVSCode, grep: 'chat' }));
    assert.deepEqual(counts, { passed: 1, failed: 1, skipped: 0 });

    const started = JSON.parse(fs.readFileSync(record, 'utf8')) as { args: string[]; standIn: string; grep: string };
    assert.equal(started.standIn, 'http://127.0.0.1:9/v1');
    assert.equal(started.grep, 'chat');
    assert.ok(started.args.includes(`--extensionDevelopmentPath=${REPO}`), started.args.join(' '));
    assert.ok(started.args.includes(`--extensionTestsPath=${path.join(REPO, 'out', 'test', 'integration', 'index.js')}`), started.args.join(' '));
    const workspace = started.args[0]!;
    assert.ok(fs.existsSync(path.join(workspace, 'hello.ts')), 'the first argument is not the prepared workspace');
    const userData = started.args.find((a) => a.startsWith('--user-data-dir='))!.slice('--user-data-dir='.length);
    const settings = JSON.parse(fs.readFileSync(path.join(userData, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings['threadline.baseUrl'], 'http://127.0.0.1:9/v1', 'user settings do not point at the stand-in');
    assert.ok(started.args.some((a) => a.startsWith('--extensions-dir=')), 'VS Code would load the machine\'s own extensions');
  });

  test('a VS Code that ends without a result is reported as crashed, not as passed', async () => {
    const { runIntegrationElectron } = await runner();
    const silent = file(path.join(scratch, 'silent-vscode'), `#!${process.execPath}\nprocess.exit(0);\n`);
    const counts = await quietly(() => runIntegrationElectron({ standInUrl: 'http://127.0.0.1:9/v1', vscodeExecutablePath: silent }));
    assert.match(counts.crashed ?? '', /wrote no result file/);
    assert.equal(counts.passed, 0);
  });
});
