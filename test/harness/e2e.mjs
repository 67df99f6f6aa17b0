// Stage 2: end-to-end UI tests (test/e2e/*.e2e.mjs) in a real workbench. Each file gets a fresh
// code-server with the extension installed the way `npm start` does it (a link in the extensions
// dir), user settings pointing threadline.baseUrl at the stand-in, and a fresh Chromium profile.
//
// A test file exports `tests`: [{ name, run: async (t) => {}, timeoutMs? }], run in order against
// the same page (later steps build on earlier ones; after a failure the rest are skipped).
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO, freePort, newRunDir, startCodeServer, launchChromium, writeUserSettings, makeWorkspace,
  linkExtension, workbenchUrl, logger, countLine, shown, NOISE,
} from './lib.mjs';
import { OUTPUT_DIR, loadSteps, runSteps, screenshotter, slug } from './steps.mjs';
import * as workbench from './workbench.mjs';

const log = logger('e2e');

export function e2eFiles() {
  const dir = path.join(REPO, 'test', 'e2e');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.mjs')).sort().map((f) => path.join(dir, f));
}


/**
 * @param {{ standInUrl: string, files?: string[], grep?: string, keep?: boolean, headed?: boolean }} options
 * @returns {Promise<{passed:number, failed:number, skipped:number, crashed?:string}>}
 */
export async function runE2e({ standInUrl, files = e2eFiles(), grep, keep = false, headed = false }) {
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
  const loaded = await loadSteps(file, { grep, counts, log });
  if (!loaded) return;
  const { rel, mod, tests } = loaded;
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

    const screenshot = screenshotter(page, log);
    const t = {
      ...workbench,
      page, standInUrl, workspace, runDir, log: logger(`e2e ${fileSlug}`), screenshot,
      webview: () => workbench.webview(page),
    };
    await runSteps(tests, t, { counts, failurePrefix: fileSlug });
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
