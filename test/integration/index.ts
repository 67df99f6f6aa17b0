// The extensionTestsPath entry (the module @vscode/test-electron and the code-server harness load in
// the extension host): runs mocha (tdd ui) over out/test/integration/suite/*.test.js and, besides
// resolving or rejecting, writes per-test outcomes as JSON to $THREADLINE_TEST_RESULT.
import * as fs from 'node:fs';
import * as path from 'node:path';

// mocha 12 is an ES module package whose CommonJS build is lib/mocha.cjs; this bundle is CommonJS
// (mocha stays external), so load that build directly rather than rely on require(esm) interop.
const Mocha: typeof import('mocha') = require('mocha/lib/mocha.cjs');

export interface TestOutcome {
  title: string;
  file: string | undefined;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number | undefined;
  error?: string;
}

export interface TestResult {
  passed: number;
  failed: number;
  skipped: number;
  tests: TestOutcome[];
  done: boolean;
  error?: string;
  startedAt: string;
  finishedAt?: string;
  node: string;
  vscode?: string;
}

function writeResult(result: TestResult): void {
  const file = process.env.THREADLINE_TEST_RESULT;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export async function run(): Promise<void> {
  const suiteDir = path.join(__dirname, 'suite');
  const result: TestResult = {
    passed: 0, failed: 0, skipped: 0, tests: [], done: false,
    startedAt: new Date().toISOString(), node: process.version,
  };
  // Undefined when not in an extension host.
  result.vscode = await import('vscode').then((vscode) => vscode.version, () => undefined);

  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: Number(process.env.THREADLINE_TEST_TIMEOUT_MS) || 20_000,
    reporter: 'spec',
    ...(process.env.THREADLINE_TEST_GREP ? { grep: process.env.THREADLINE_TEST_GREP } : {}),
  });
  return new Promise<void>((resolve, reject) => {
    try {
      const files = fs.existsSync(suiteDir) ? fs.readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort() : [];
      if (files.length === 0) throw new Error(`no *.test.js files in ${suiteDir}`);
      for (const f of files) mocha.addFile(path.join(suiteDir, f));
      const runner = mocha.run((failures) => {
        result.done = true;
        result.finishedAt = new Date().toISOString();
        writeResult(result);
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else if (result.passed === 0) reject(new Error('no tests ran'));
        else resolve();
      });
      const fileOf = (t: Mocha.Runnable): string | undefined => (t.file ? path.basename(t.file) : undefined);
      runner.on('pass', (t) => {
        result.passed++;
        result.tests.push({ title: t.fullTitle(), file: fileOf(t), state: 'passed', durationMs: t.duration });
      });
      runner.on('fail', (t, err) => {
        result.failed++;
        result.tests.push({ title: t.fullTitle(), file: fileOf(t), state: 'failed', durationMs: t.duration, error: errorText(err) });
      });
      runner.on('pending', (t) => {
        result.skipped++;
        result.tests.push({ title: t.fullTitle(), file: fileOf(t), state: 'skipped', durationMs: undefined });
      });
    } catch (err) {
      result.done = true;
      result.failed++;
      result.error = errorText(err);
      result.finishedAt = new Date().toISOString();
      writeResult(result);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
