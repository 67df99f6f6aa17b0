// What the browser stages (e2e in the workbench, ui on the page harness) share: loading a test
// file's steps, screenshots into test-output/, and running the steps in order, where a failure
// skips the rest (each step builds on the one before).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, withTimeout } from './lib.mjs';

export const OUTPUT_DIR = path.join(REPO, 'test-output');

export const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The file's module and its steps matching `grep`; undefined (and `counts.crashed` set) when it cannot load. */
export async function loadSteps(file, { grep, counts, log }) {
  const rel = path.relative(REPO, file);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    counts.crashed = `cannot load ${rel}: ${e.stack ?? e}`;
    return undefined;
  }
  const tests = (mod.tests ?? []).filter((t) => !grep || t.name.includes(grep));
  log(`${rel}: ${tests.length} test(s)`);
  return { rel, mod, tests };
}

/** `screenshot(name)` for `page`, saved under test-output/. */
export function screenshotter(page, log) {
  return async (name) => {
    const p = path.join(OUTPUT_DIR, name.endsWith('.png') ? name : `${name}.png`);
    await page.screenshot({ path: p });
    log(`screenshot ${path.relative(REPO, p)}`);
    return p;
  };
}

/**
 * Runs `tests` in order against `t`, counting into `counts`; `afterEach` may throw to fail a step
 * that passed (e.g. the page threw meanwhile). A failed step leaves a `failure-<prefix>-…` shot.
 * @param {{ name: string, run: (t: any) => Promise<void>, timeoutMs?: number }[]} tests @param {any} t
 * @param {{ counts: { passed: number, failed: number, skipped: number }, failurePrefix: string, afterEach?: () => unknown }} options
 */
export async function runSteps(tests, t, { counts, failurePrefix, afterEach }) {
  let failedBefore = false;
  for (const test of tests) {
    if (failedBefore) {
      counts.skipped++;
      console.log(`  skip ${test.name} (an earlier step failed)`);
      continue;
    }
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => test.run(t)), test.timeoutMs ?? 60_000, `"${test.name}"`);
      afterEach?.();
      counts.passed++;
      console.log(`  ok   ${test.name} (${Date.now() - started} ms)`);
    } catch (e) {
      counts.failed++;
      failedBefore = true;
      console.log(`  FAIL ${test.name} (${Date.now() - started} ms)`);
      console.log(String(e?.stack ?? e).split('\n').slice(0, 12).map((l) => `         ${l}`).join('\n'));
      await t.screenshot(`failure-${failurePrefix}-${slug(test.name)}`).catch(() => {});
    }
  }
}
