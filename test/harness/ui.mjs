// Stage 3: the panel's webview alone, in a real browser (test/ui/*.ui.mjs). Each file gets a fresh
// Chromium page on the page harness (test/bench/webviewPage.mjs): dist/webview/webview.js and the panel's
// CSS under the real CSP, with a stand-in host that pages a generated thread. No VS Code, so
// threads of any size open in a second.
//
// A test file exports `tests`: [{ name, run: async (t) => {}, timeoutMs? }], run in order against
// the same page (later steps build on earlier ones; after a failure the rest are skipped), and
// optionally `config` (the generated thread: count, pageSize, latencyMs), `viewport`, and
// `setup(t)`, run once the thread is open.
// `t` has { page, server, config, log, screenshot }.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, newRunDir, launchChromium, logger, countLine, shown } from './lib.mjs';
import { OUTPUT_DIR, loadSteps, runSteps, screenshotter, slug } from './steps.mjs';
import { DEFAULTS, openThread, startPageServer } from '../bench/webviewPage.mjs';

const log = logger('ui');
/** About the size of the side bar's panel. */
const VIEWPORT = { width: 420, height: 760 };

export function uiFiles() {
  const dir = path.join(REPO, 'test', 'ui');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ui.mjs')).sort().map((f) => path.join(dir, f));
}


/**
 * @param {{ files?: string[], grep?: string, keep?: boolean, headed?: boolean }} [options]
 * @returns {Promise<{passed:number, failed:number, skipped:number, crashed?:string}>}
 */
export async function runUi({ files = uiFiles(), grep, keep = false, headed = false } = {}) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (files.length === 0) {
    counts.crashed = 'no test/ui/*.ui.mjs files';
    console.log(countLine(counts));
    return counts;
  }
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const server = await startPageServer();
  try {
    for (const file of files) await runFile(file, { server, grep, keep, headed, counts });
  } finally {
    await server.close();
  }
  if (!counts.crashed && counts.passed + counts.failed === 0) counts.crashed = 'zero ui tests ran';
  if (counts.crashed) log(`CRASHED: ${counts.crashed}`);
  console.log(countLine(counts));
  return counts;
}

async function runFile(file, { server, grep, keep, headed, counts }) {
  const started = Date.now();
  const loaded = await loadSteps(file, { grep, counts, log });
  if (!loaded) return;
  const { rel, mod, tests } = loaded;
  if (tests.length === 0) return;

  const runDir = newRunDir('ui');
  const fileSlug = slug(path.basename(file, '.ui.mjs'));
  const consoleLog = fs.createWriteStream(path.join(runDir, 'browser-console.log'));
  const config = { ...DEFAULTS, ...(mod.config ?? {}) };
  let browser, page;
  try {
    browser = await launchChromium(runDir, { headless: !headed });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.setViewportSize(mod.viewport ?? VIEWPORT);
    const errors = [];
    page.on('console', (m) => {
      consoleLog.write(`[${m.type()}] ${m.text()}\n`);
      if (m.type() === 'error' || process.env.VERBOSE) log(`browser [${m.type()}] ${m.text().slice(0, 500)}`);
    });
    page.on('pageerror', (e) => { errors.push(e); consoleLog.write(`[pageerror] ${e.stack ?? e}\n`); log('pageerror', e.message); });
    await openThread(page, server, config);

    const screenshot = screenshotter(page, log);
    const t = { page, server, config, errors, log: logger(`ui ${fileSlug}`), screenshot };
    await mod.setup?.(t);
    await runSteps(tests, t, {
      counts,
      failurePrefix: `ui-${fileSlug}`,
      afterEach: () => {
        if (errors.length) throw new Error(`the page threw: ${errors.map((e) => e.message).join('; ')}`);
      },
    });
  } catch (e) {
    counts.crashed = `${rel}: ${e?.message ?? e}`;
    if (page) await page.screenshot({ path: path.join(OUTPUT_DIR, `crash-ui-${fileSlug}.png`) }).catch(() => {});
  } finally {
    await browser?.close().catch(() => {});
    consoleLog.end();
    if (!keep) fs.rmSync(path.join(runDir, 'chromium-profile'), { recursive: true, force: true });
    log(`${rel}: run folder ${shown(runDir)}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}
