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

/** Loads the workbench into `page`, its console going to the run's log; resolves once it has drawn itself. */
async function openWorkbench(page, { url, consoleLog, label = '' }) {
  const tag = label ? `${label} ` : '';
  page.on('console', (m) => {
    const where = m.location()?.url;
    const line = `${tag}[${m.type()}] ${m.text()}${where && /^Failed to load resource/.test(m.text()) ? ` (${where})` : ''}`;
    consoleLog.write(line + '\n');
    if ((m.type() === 'error' && !NOISE.test(line)) || process.env.VERBOSE) log(`browser ${line.slice(0, 500)}`);
  });
  page.on('pageerror', (e) => { consoleLog.write(`${tag}[pageerror] ${e.stack ?? e}\n`); log(`${tag}pageerror`, e.message); });
  const resp = await page.goto(url);
  if (!resp || resp.status() >= 400) throw new Error(`workbench answered HTTP ${resp?.status()}`);
  await workbench.waitForWorkbench(page);
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
  /** Pages opened by `t.openWindow()`. */
  const windows = [];
  try {
    server = await startCodeServer({ runDir, port: await freePort() });
    log(`code-server pid ${server.pid} on ${server.base}`);
    browser = await launchChromium(runDir, { headless: !headed });
    page = browser.pages()[0] ?? (await browser.newPage());
    await openWorkbench(page, { url: workbenchUrl(server.base, { folder: workspace }), consoleLog });

    const t = {
      ...workbench,
      page, standInUrl, workspace, runDir, log: logger(`e2e ${fileSlug}`),
      // A failed step's shot shows every open window.
      screenshot: async (name) => {
        const shot = await screenshotter(page, log)(name);
        if (name.startsWith('failure-')) {
          for (const [i, other] of windows.entries()) await screenshotter(other, log)(`${name}-window-${i + 2}`).catch(() => {});
        }
        return shot;
      },
      webview: () => workbench.webview(page),
      /**
       * A second workbench window on the same server and folder: a new page in the same browser,
       * with its own extension host, sharing the library (globalStorageUri) as two desktop windows
       * do. Resolves with a `t` for that window; it closes with the file's run (or `close()`).
       */
      openWindow: async () => {
        const other = await browser.newPage();
        windows.push(other);
        const label = `window ${windows.length + 1}`;
        await openWorkbench(other, { url: workbenchUrl(server.base, { folder: workspace }), consoleLog, label });
        return {
          ...t, page: other, screenshot: screenshotter(other, log), log: logger(`e2e ${fileSlug} ${label}`),
          webview: () => workbench.webview(other),
          close: () => other.close(),
        };
      },
    };
    await runSteps(tests, t, { counts, failurePrefix: fileSlug });
  } catch (e) {
    counts.crashed = `${rel}: ${e?.message ?? e}`;
    if (page) await page.screenshot({ path: path.join(OUTPUT_DIR, `crash-${fileSlug}.png`) }).catch(() => {});
  } finally {
    for (const other of windows) await other.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    consoleLog.end();
    if (!keep) fs.rmSync(path.join(runDir, 'chromium-profile'), { recursive: true, force: true });
    log(`${rel}: run folder ${shown(runDir)}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}
