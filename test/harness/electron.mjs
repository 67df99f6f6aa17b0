// The integration suite on a desktop VS Code, through @vscode/test-electron: the same
// extensionTestsPath entry (out/test/integration/index.js) and the same environment as the
// code-server stage, so each test runs unchanged in either host.
//
// Which VS Code: THREADLINE_VSCODE_EXECUTABLE (the Electron binary), else the desktop install behind
// `code` on PATH. `npm run test:vscode` picks this runner by itself when one is found (or with
// `--runner electron`, which lets test-electron download VS Code when none is installed).
// Linux without a display: run it under `xvfb-run -a`.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, logger, countLine, shown } from './lib.mjs';
import { prepareSuiteRun, readSuiteResult } from './integration.mjs';

const log = logger('integration:electron');

/**
 * The desktop VS Code's Electron binary: the one named by THREADLINE_VSCODE_EXECUTABLE, else the one
 * the `code` launcher on PATH belongs to; undefined when there is none (code-server's `code`
 * launcher has no Electron beside it, so it is never taken for a desktop install).
 */
export function findDesktopVSCode({ env = process.env, platform = process.platform } = {}) {
  if (env.THREADLINE_VSCODE_EXECUTABLE) return fs.existsSync(env.THREADLINE_VSCODE_EXECUTABLE) ? env.THREADLINE_VSCODE_EXECUTABLE : undefined;
  const launcherName = platform === 'win32' ? 'code.cmd' : 'code';
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const launcher = path.join(dir, launcherName);
    if (!fs.existsSync(launcher)) continue;
    // <install>/bin/code → <install>/code (Linux), <install>/Code.exe (Windows),
    // …/Contents/Resources/app/bin/code → …/Contents/MacOS/Electron (macOS).
    const bin = path.dirname(fs.realpathSync(launcher));
    const candidates = platform === 'darwin'
      ? [path.resolve(bin, '..', '..', '..', 'MacOS', 'Electron')]
      : platform === 'win32'
        ? [path.resolve(bin, '..', 'Code.exe')]
        : [path.resolve(bin, '..', 'code')];
    const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (found) return found;
  }
  return undefined;
}

/**
 * Runs the suite in a desktop VS Code with its own user-data and extensions folders (user settings
 * point threadline.baseUrl at the stand-in, as the code-server stage does).
 * @param {{ standInUrl: string, vscodeExecutablePath?: string, grep?: string,
 *   runTests?: typeof import('@vscode/test-electron').runTests }} options
 * @returns {Promise<{passed:number, failed:number, skipped:number, crashed?:string}>}
 */
export async function runIntegrationElectron({ standInUrl, vscodeExecutablePath, grep, runTests }) {
  const started = Date.now();
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const run = prepareSuiteRun('integration-electron', standInUrl, counts);
  if (!run) return counts;
  const { entry, runDir, resultFile, workspace, userData } = run;
  runTests ??= (await import('@vscode/test-electron')).runTests;

  let exitCode;
  log(vscodeExecutablePath ? `VS Code at ${vscodeExecutablePath}` : 'VS Code stable, downloaded by @vscode/test-electron');
  try {
    exitCode = await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : {}),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: entry,
      // test-electron adds --disable-workspace-trust, --skip-welcome and the test paths itself.
      launchArgs: [workspace, `--user-data-dir=${userData}`, `--extensions-dir=${path.join(runDir, 'extensions')}`],
      extensionTestsEnv: {
        THREADLINE_TEST_RESULT: resultFile,
        THREADLINE_STAND_IN_URL: standInUrl,
        ...(grep ? { THREADLINE_TEST_GREP: grep } : {}),
      },
    });
  } catch (e) {
    // A failing suite makes VS Code exit non-zero, which test-electron throws as TestRunFailedError.
    exitCode = typeof e?.code === 'number' ? e.code : undefined;
    if (exitCode === undefined) counts.crashed = e instanceof Error ? e.message : String(e);
  }
  readSuiteResult(resultFile, counts, exitCode, `the output above (run folder ${shown(runDir)})`);
  log(`run folder ${shown(runDir)}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(countLine(counts));
  return counts;
}
