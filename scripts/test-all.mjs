#!/usr/bin/env node
// `npm test`: every check, in order, with one combined count as the very last line:
//   1. type-check      tsc --noEmit: tsconfig.host.json (no DOM), tsconfig.webview.json (no Node), tsconfig.json (all + tests), tsconfig.scripts.json (.mjs)
//   2. lint            eslint . (eslint.config.mjs: recommended rules, the layers' import boundaries)
//   3. build           node esbuild.mjs --tests   (extension, webview, tests, stand-in)
//   4. unit + backend  node --test over out/test/{unit,backend,build}/**/*.test.js
//   5. VS Code         npm run test:vscode -- --no-build   (integration suite + e2e UI tests)
// Last line: "N passed, N failed" (", N skipped" when any). A stage that fails without test counts
// (type errors, lint findings, build error, a crash, zero tests) adds one to "failed"; the exit
// code is then 1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COUNT_LINE = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;
const started = Date.now();
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)}s`;

/**
 * Run a command with output passed through; resolves { code, lastLines }.
 * @param {string} cmd @param {string[]} args @param {{ env?: Record<string, string> }} [options]
 * @returns {Promise<{ code: number, lastLines: string[] }>}
 */
function run(cmd, args, { env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    let partial = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      tail.push(...lines);
      tail.splice(0, Math.max(0, tail.length - 50));
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', (e) => resolve({ code: 127, lastLines: [String(e)] }));
    child.on('close', (code, signal) => {
      if (partial) tail.push(partial);
      resolve({ code: code ?? (signal ? 128 : 1), lastLines: tail });
    });
  });
}

function testFilesUnder(dir) {
  const abs = path.join(REPO, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(dir, f));
}

const results = []; // { stage, passed, failed, skipped, problem? }
const header = (s) => console.log(`\n===== ${s} =====`);

// 1. Type-check: the host against Node's and VS Code's APIs only (no DOM), the panel against the
// DOM only (no Node), everything with the TypeScript tests, then the .mjs scripts and tests.
{
  header('type-check (tsc --noEmit)');
  const t = Date.now();
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const failed = [];
  for (const project of ['tsconfig.host.json', 'tsconfig.webview.json', 'tsconfig.json', 'tsconfig.scripts.json']) {
    const { code } = await run(process.execPath, [tsc, '--noEmit', '-p', project]);
    if (code !== 0) failed.push(project);
  }
  console.log(`type-check: ${failed.length === 0 ? 'ok' : `FAILED (${failed.join(', ')})`} (${secs(t)})`);
  results.push({ stage: 'type-check', passed: 0, failed: 0, skipped: 0, problem: failed.length === 0 ? undefined : `type errors in ${failed.join(', ')}` });
}

// 2. Lint: findings fail the stage as type errors do; the later stages still run.
{
  header('lint (eslint .)');
  const t = Date.now();
  const { code } = await run(process.execPath, [path.join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
  console.log(`lint: ${code === 0 ? 'ok' : 'FAILED'} (${secs(t)})`);
  results.push({ stage: 'lint', passed: 0, failed: 0, skipped: 0, problem: code === 0 ? undefined : 'lint findings (npm run lint)' });
}

// 3. Build (the --tests build includes the extension and the webview).
let built = false;
{
  header('build (node esbuild.mjs --tests)');
  const t = Date.now();
  const { code } = await run(process.execPath, ['esbuild.mjs', '--tests']);
  built = code === 0;
  console.log(`build: ${built ? 'ok' : 'FAILED'} (${secs(t)})`);
  results.push({ stage: 'build', passed: 0, failed: 0, skipped: 0, problem: built ? undefined : 'build failed' });
}

// 4. Unit + backend tests with node's test runner: spec on the console, TAP to a file for the counts.
if (built) {
  header('unit + backend tests (node --test)');
  const t = Date.now();
  const files = [...testFilesUnder('out/test/unit'), ...testFilesUnder('out/test/backend'), ...testFilesUnder('out/test/build')];
  const r = { stage: 'unit+backend', passed: 0, failed: 0, skipped: 0 };
  if (files.length === 0) {
    r.problem = 'no out/test/unit or out/test/backend *.test.js files';
  } else {
    const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-test-')), 'node-test.tap');
    const { code } = await run(process.execPath, ['--enable-source-maps', '--test',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files]);
    const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
    fs.rmSync(path.dirname(tapFile), { recursive: true, force: true });
    // The run's summary is the last block of unindented "# name N" lines.
    const last = (name) => { const m = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].pop(); return m ? Number(m[1]) : undefined; };
    const pass = last('pass');
    if (pass === undefined) {
      r.problem = `node --test wrote no summary (exit code ${code})`;
    } else {
      r.passed = pass;
      r.failed = (last('fail') ?? 0) + (last('cancelled') ?? 0);
      r.skipped = (last('skipped') ?? 0) + (last('todo') ?? 0);
      if (code !== 0 && r.failed === 0) r.problem = `node --test exited with ${code}`;
      if (r.passed + r.failed === 0) r.problem = 'node --test ran zero tests';
    }
  }
  console.log(`unit+backend: ${fmt(r)} (${secs(t)})`);
  results.push(r);
}

// 5. The VS Code stages (integration suite in the extension host, then the e2e UI tests).
if (built) {
  header('VS Code (npm run test:vscode)');
  const t = Date.now();
  const npmCli = process.env.npm_execpath;
  const [cmd, args] = npmCli && npmCli.endsWith('.js')
    ? [process.execPath, [npmCli, 'run', '--silent', 'test:vscode', '--', '--no-build']]
    : ['npm', ['run', '--silent', 'test:vscode', '--', '--no-build']];
  const { code, lastLines } = await run(cmd, args);
  const r = { stage: 'vscode', passed: 0, failed: 0, skipped: 0 };
  const m = lastLines.map((l) => l.trim()).filter(Boolean).pop()?.match(COUNT_LINE);
  if (!m) {
    r.problem = `test:vscode printed no count line (exit code ${code})`;
  } else {
    r.passed = Number(m[1]); r.failed = Number(m[2]); r.skipped = Number(m[3] ?? 0);
    if (code !== 0 && r.failed === 0) r.problem = `test:vscode exited with ${code}`;
    if (r.passed + r.failed === 0) r.problem = 'test:vscode ran zero tests';
  }
  console.log(`vscode: ${fmt(r)} (${secs(t)})`);
  results.push(r);
}

function fmt({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

header(`summary (${secs(started)})`);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const r of results) {
  total.passed += r.passed; total.failed += r.failed; total.skipped += r.skipped;
  if (r.problem) total.failed += 1;
  console.log(`${r.stage.padEnd(13)} ${r.problem ? `FAILED: ${r.problem}` : ['type-check', 'lint', 'build'].includes(r.stage) ? 'ok' : fmt(r)}`);
}
if (!built) console.log('tests not run: the build failed');
console.log(fmt(total));
process.exit(total.failed > 0 ? 1 : 0);
