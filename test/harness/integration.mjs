// Stage 1: the integration suite (out/test/integration/index.js, mocha in the extension host) run by
// the real workbench. code-server starts with the smoke-test driver, so the workbench honours the
// `payload` URL parameter (extensionDevelopmentPath + extensionTestsPath) exactly like a desktop
// test run; when run() settles the workbench calls window.codeAutomationExit(code).
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO, freePort, newRunDir, startCodeServer, launchChromium, writeUserSettings, makeWorkspace,
  exposeAutomationHooks, workbenchUrl, withTimeout, logger, countLine, shown,
} from './lib.mjs';

const log = logger('integration');

/**
 * @param {{ standInUrl: string, timeoutMs?: number, keep?: boolean, grep?: string }} options
 * @returns {Promise<{passed:number, failed:number, skipped:number, crashed?:string}>}
 */
export async function runIntegration({ standInUrl, timeoutMs = 300_000, keep = false, grep }) {
  const started = Date.now();
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const run = prepareSuiteRun('integration', standInUrl, counts);
  if (!run) return counts;
  const { entry, runDir, resultFile, workspace } = run;

  let server, browser, exitCode;
  try {
    const port = await freePort();
    server = await startCodeServer({
      runDir, port, smokeDriver: true,
      env: {
        THREADLINE_TEST_RESULT: resultFile,
        THREADLINE_STAND_IN_URL: standInUrl,
        ...(grep ? { THREADLINE_TEST_GREP: grep } : {}),
      },
    });
    log(`code-server pid ${server.pid} on ${server.base}`);
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const url = workbenchUrl(server.base, {
      folder: workspace,
      payload: [
        ['extensionDevelopmentPath', remote(REPO)],
        ['extensionTestsPath', remote(entry)],
        ['skipWelcome', 'true'],
      ],
    });
    browser = await launchChromium(runDir);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const { exited } = await exposeAutomationHooks(page, { print: (s) => console.log(`  ${s}`) });
    page.on('pageerror', (e) => log('pageerror', e.message));
    const resp = await page.goto(url);
    if (!resp || resp.status() >= 400) throw new Error(`workbench answered HTTP ${resp?.status()}`);
    try {
      exitCode = await withTimeout(exited, timeoutMs, 'the integration suite');
    } catch (e) {
      await page.screenshot({ path: path.join(runDir, 'timeout.png') }).catch(() => {});
      throw e;
    }
    log(`extension host test run exited with ${exitCode}`);
  } catch (e) {
    counts.crashed = e instanceof Error ? e.message : String(e);
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
  }

  readSuiteResult(resultFile, counts, exitCode, path.join(runDir, 'code-server.log'));
  log(`run folder ${shown(runDir)}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (!keep) fs.rmSync(path.join(runDir, 'chromium-profile'), { recursive: true, force: true });
  console.log(countLine(counts));
  return counts;
}

/**
 * What either host needs for one run of the suite: its entry (built by `node esbuild.mjs --tests`;
 * undefined, with `counts.crashed` saying so, when missing), a run folder with a workspace, a
 * result file, and user settings (under `data/`) pointing threadline.baseUrl at the stand-in.
 */
export function prepareSuiteRun(name, standInUrl, counts) {
  const entry = path.join(REPO, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(entry)) {
    counts.crashed = `${path.relative(REPO, entry)} is missing (build with: node esbuild.mjs --tests)`;
    return undefined;
  }
  const runDir = newRunDir(name);
  const userData = path.join(runDir, 'data');
  writeUserSettings(userData, { 'threadline.baseUrl': standInUrl });
  return { entry, runDir, userData, resultFile: path.join(runDir, 'test-result.json'), workspace: makeWorkspace(runDir) };
}

/**
 * Prints each test's outcome from the suite's result file (test/integration/index.ts writes it)
 * and fills `counts`; a run that wrote nothing, did not finish or ran nothing is `crashed`.
 */
export function readSuiteResult(resultFile, counts, exitCode, logHint) {
  if (fs.existsSync(resultFile)) {
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    for (const t of result.tests) {
      const mark = t.state === 'passed' ? 'ok  ' : t.state === 'skipped' ? 'skip' : 'FAIL';
      console.log(`  ${mark} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
      if (t.error) console.log(t.error.split('\n').slice(0, 8).map((l) => `         ${l}`).join('\n'));
    }
    if (result.error) console.log(`  suite error: ${result.error.split('\n').slice(0, 8).join('\n    ')}`);
    Object.assign(counts, { passed: result.passed, failed: result.failed, skipped: result.skipped ?? 0 });
    if (!result.done && !counts.crashed) counts.crashed = 'the suite did not finish';
  } else if (!counts.crashed) {
    counts.crashed = `the suite wrote no result file (exit code ${exitCode}); see ${logHint}`;
  }
  if (!counts.crashed && exitCode !== 0 && counts.failed === 0) counts.crashed = `extension host exit code ${exitCode} with no failed test`;
  if (!counts.crashed && counts.passed + counts.failed === 0) counts.crashed = 'the suite ran zero tests';
  if (counts.crashed) log(`CRASHED: ${counts.crashed}`);
}
