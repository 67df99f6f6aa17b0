#!/usr/bin/env node
// `npm run test:vscode`: the extension's tests inside a real VS Code: a desktop one for the
// integration suite when installed, else (and for the UI stages) code-server's workbench in
// headless Chromium.
//   1. sets up what is missing (Node 24 + code-server in .cache/harness, Debian chromium),
//   2. builds (node esbuild.mjs && node esbuild.mjs --tests),
//   3. starts the stand-in server (out/test/stand-in/cli.js),
//   4. stage "integration": mocha suite in the extension host (test/integration): in a desktop
//      VS Code through @vscode/test-electron when one is installed (test/harness/electron.mjs),
//      otherwise in code-server's workbench,
//   5. stage "e2e": UI tests in the workbench (test/e2e/*.e2e.mjs), screenshots in test-output/,
//   6. stage "ui": the panel's webview alone in the browser, on the page harness (test/ui/*.ui.mjs).
// Prints each stage's "N passed, N failed" and the combined count as the last line.
//
// Options: --only integration|e2e|ui   --grep TEXT   --file NAME (e2e and ui files whose name contains NAME)
//          --runner auto|electron|code-server (integration host; auto: desktop VS Code if installed)
//          --no-build   --keep (keep Chromium profiles)
//          --timeout SECONDS (integration suite, default 300)
// Env: THREADLINE_HARNESS_CACHE (tool cache, default <repo>/.cache/harness), CHROMIUM (browser
//      binary), THREADLINE_STAND_IN_CLI (another stand-in script), VERBOSE=1 (unfiltered workbench
//      console).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO, CACHE, ensureTools, startStandIn, logger, countLine } from './lib.mjs';
import { runIntegration } from './integration.mjs';
import { findDesktopVSCode, runIntegrationElectron } from './electron.mjs';
import { e2eFiles, runE2e } from './e2e.mjs';
import { uiFiles, runUi } from './ui.mjs';

const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
const only = opt('only');
const grep = opt('grep');
const fileFilter = opt('file');
const keep = argv.includes('--keep');
const timeoutMs = Number(opt('timeout') ?? 300) * 1000;
const runner = opt('runner') ?? 'auto';
if (!['auto', 'electron', 'code-server'].includes(runner)) {
  console.error(`--runner takes "auto", "electron" or "code-server", not ${JSON.stringify(runner)}`);
  process.exit(2);
}
const desktop = runner === 'code-server' ? undefined : findDesktopVSCode();
if (only && only !== 'integration' && only !== 'e2e' && only !== 'ui') {
  console.error(`--only takes "integration", "e2e" or "ui", not ${JSON.stringify(only)}`);
  process.exit(2);
}

const log = logger('test:vscode');
const started = Date.now();
/** @type {[string, { passed: number, failed: number, skipped: number, crashed?: string }][]} */
const stages = [];
let standIn;
let fatal;

try {
  ensureTools({ quiet: true });
  if (!argv.includes('--no-build')) {
    const t = Date.now();
    for (const args of [['esbuild.mjs'], ['esbuild.mjs', '--tests']]) {
      const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`build failed: node ${args.join(' ')}`);
    }
    log(`built (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  }
  standIn = await startStandIn({ logFile: path.join(CACHE, 'stand-in.log') });
  log(`stand-in server ${standIn.url}`);

  if (!only || only === 'integration') {
    console.log('\n=== integration suite (extension host) ===');
    stages.push(['integration', desktop || runner === 'electron'
      ? await runIntegrationElectron({ standInUrl: standIn.url, vscodeExecutablePath: desktop, grep })
      : await runIntegration({ standInUrl: standIn.url, timeoutMs, keep, grep })]);
  }
  if (!only || only === 'e2e') {
    console.log('\n=== end-to-end UI tests (workbench) ===');
    const files = e2eFiles().filter((f) => !fileFilter || path.basename(f).includes(fileFilter));
    stages.push(['e2e', await runE2e({ standInUrl: standIn.url, keep, grep, files })]);
  }
  if (!only || only === 'ui') {
    console.log('\n=== webview UI tests (page harness) ===');
    const files = uiFiles().filter((f) => !fileFilter || path.basename(f).includes(fileFilter));
    stages.push(['ui', await runUi({ keep, grep, files })]);
  }
} catch (e) {
  fatal = e instanceof Error ? e.message : String(e);
} finally {
  await standIn?.stop();
}

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('');
for (const [name, c] of stages) {
  total.passed += c.passed; total.failed += c.failed; total.skipped += c.skipped;
  console.log(`${name}: ${countLine(c)}${c.crashed ? `  (CRASHED: ${c.crashed.split('\n')[0]})` : ''}`);
}
const crashed = fatal !== undefined || stages.some(([, c]) => c.crashed);
if (fatal) {
  console.error(`test:vscode: ${fatal}`);
  total.failed += 1; // a run that could not start counts as a failure, never as "0 failed"
}
if (crashed && !fatal && total.failed === 0) total.failed += 1;
log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
console.log(countLine(total));
process.exit(total.failed > 0 || crashed ? 1 : 0);
