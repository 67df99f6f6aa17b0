#!/usr/bin/env node
// Screenshots for judging the UI by eye, not tests: each test/screens/*.screens.mjs file runs in a
// real workbench the way the e2e files do (code-server + Chromium, the extension linked in, the
// stand-in as the server) and writes PNGs to test-output/. Not part of `npm test` (they take
// minutes: every shot in three themes at three side-bar widths).
//   node test/screens/run.mjs [--no-build] [--file NAME]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runE2e } from '../harness/e2e.mjs';
import { CACHE, REPO, ensureTools, startStandIn } from '../harness/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const fileFilter = argv.includes('--file') ? argv[argv.indexOf('--file') + 1] : undefined;

ensureTools({ quiet: true });
if (!argv.includes('--no-build')) {
  for (const args of [['esbuild.mjs'], ['esbuild.mjs', '--tests']]) {
    const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) process.exit(1);
  }
}
const files = fs.readdirSync(here).filter((f) => f.endsWith('.screens.mjs') && (!fileFilter || f.includes(fileFilter))).sort().map((f) => path.join(here, f));
const standIn = await startStandIn({ logFile: path.join(CACHE, 'stand-in-screens.log') });
let counts;
try {
  counts = await runE2e({ standInUrl: standIn.url, files });
} finally {
  await standIn.stop();
}
process.exit(counts.failed || counts.crashed ? 1 : 0);
