// Stage 2: end-to-end UI tests (test/e2e/*.e2e.mjs) in a real workbench. Each file gets a fresh
// code-server with the extension installed the way `npm start` does it (a link in the extensions
// dir), user settings pointing threadline.baseUrl at the stand-in, and a fresh Chromium profile.
//
// A test file exports `tests`: [{ name, run: async (t) => {}, timeoutMs? }], run in order against
// the same page (later steps build on earlier ones; after a failure the rest are skipped).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO, freePort, newRunDir, startCodeServer, launchChromium, writeUserSettings, makeWorkspace,
  linkExtension, workbenchUrl, withTimeout, logger, countLine, shown, NOISE,
} from './lib.mjs';
import * as workbench from './workbench.mjs';

const log = logger('e2e');
export const OUTPUT_DIR = path.join(REPO, 'test-output');

export function e2eFiles() {
  const dir = path.join(REPO, 'test', 'e2e');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.mjs')).sort().map((f) => path.join(dir, f));
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** @returns {Promise<{passed:number, failed:number, skipped:number, crashed?:string}>} */
export async function runE2e({ standInUrl, files = e2eFiles(), grep, keep = false, headed = false } = {}) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (files.length === 0) {
    counts.crashed = 'no test/e2e/*.e2e.mjs files';
    console.log(countLine(counts));
    return counts;
  }
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  // Failure shots of an earlier run would only mislead.
  for (const f of fs.readdirSync(OUTPUT_DIR)) if (/^(failure|crash)-.*\.png$/.test(f)) fs.rmSync(path.join(OUTPUT_DIR, f));
  for (const file of files) await runFile(file, { standInUrl, grep, keep, headed, counts });
  if (!counts.crashed && counts.passed + counts.failed === 0) counts.crashed = 'zero e2e tests ran';
  if (counts.crashed) log(`CRASHED: ${counts.crashed}`);
  console.log(countLine(counts));
  return counts;
}

async function runFile(file, { standInUrl, grep, keep, headed, counts }) {
  const started = Date.now();
  const rel = path.relative(REPO, file);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    counts.crashed = `cannot load ${rel}: ${e.stack ?? e}`;
    return;
  }
  const tests = (mod.tests ?? []).filter((t) => !grep || t.name.includes(grep));
  log(`${rel}: ${tests.length} test(s)`);
  if (tests.length === 0) return;

  const runDir = newRunDir('e2e');
  const workspace = makeWorkspace(runDir);
  writeUserSettings(path.join(runDir, 'data'), { 'threadline.baseUrl': standInUrl, ...(mod.settings ?? {}) });
  linkExtension(path.join(runDir, 'extensions'));
  const consoleLog = fs.createWriteStream(path.join(runDir, 'browser-console.log'));
  const fileSlug = slug(path.basename(file, '.e2e.mjs'));
  let server, browser, page;
  try {
    server = await startCodeServer({ runDir, port: await freePort() });
    log(`code-server pid ${server.pid} on ${server.base}`);
    browser = await launchChromium(runDir, { headless: !headed });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => {
      const where = m.location()?.url;
      const line = `[${m.type()}] ${m.text()}${where && /^Failed to load resource/.test(m.text()) ? ` (${where})` : ''}`;
      consoleLog.write(line + '\n');
      if ((m.type() === 'error' && !NOISE.test(line)) || process.env.VERBOSE) log(`browser ${line.slice(0, 500)}`);
    });
    page.on('pageerror', (e) => { consoleLog.write(`[pageerror] ${e.stack ?? e}\n`); log('pageerror', e.message); });
    const resp = await page.goto(workbenchUrl(server.base, { folder: workspace }));
    if (!resp || resp.status() >= 400) throw new Error(`workbench answered HTTP ${resp?.status()}`);
    await workbench.waitForWorkbench(page);

    const screenshot = async (name) => {
      const p = path.join(OUTPUT_DIR, name.endsWith('.png') ? name : `${name}.png`);
      await page.screenshot({ path: p });
      log(`screenshot ${path.relative(REPO, p)}`);
      return p;
    };
    const t = {
      ...workbench,
      page, standInUrl, workspace, runDir, log: logger(`e2e ${fileSlug}`), screenshot,
      webview: () => workbench.webview(page),
    };
    let failedBefore = false;
    for (const test of tests) {
      if (failedBefore) {
        counts.skipped++;
        console.log(`  skip ${test.name} (an earlier step failed)`);
        continue;
      }
      const t1 = Date.now();
      try {
        await withTimeout(Promise.resolve().then(() => test.run(t)), test.timeoutMs ?? 60_000, `"${test.name}"`);
        counts.passed++;
        console.log(`  ok   ${test.name} (${Date.now() - t1} ms)`);
      } catch (e) {
        counts.failed++;
        failedBefore = true;
        console.log(`  FAIL ${test.name} (${Date.now() - t1} ms)`);
        console.log(String(e?.stack ?? e).split('\n').slice(0, 12).map((l) => `         ${l}`).join('\n'));
        await screenshot(`failure-${fileSlug}-${slug(test.name)}`).catch(() => {});
      }
    }
  } catch (e) {
    counts.crashed = `${rel}: ${e?.message ?? e}`;
    if (page) await page.screenshot({ path: path.join(OUTPUT_DIR, `crash-${fileSlug}.png`) }).catch(() => {});
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    consoleLog.end();
    if (!keep) fs.rmSync(path.join(runDir, 'chromium-profile'), { recursive: true, force: true });
    log(`${rel}: run folder ${shown(runDir)}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}
