#!/usr/bin/env node
// `npm run bench` (last part): the stream through the real path in a real workbench, as the e2e
// tests run it (code-server + Debian's Chromium, the extension linked in, the stand-in as the
// server): time to first visible token from Send, and deltas / posts per second from the SDK
// through the extension host into the webview. Steps in workbenchSteps.mjs; figures printed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runE2e } from '../harness/e2e.mjs';
import { CACHE, CHROMIUM, ensureTools, startStandIn } from '../harness/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!fs.existsSync(CHROMIUM)) {
  console.log(`Threadline workbench benchmark: skipped, no Chromium at ${CHROMIUM}`);
} else {
  ensureTools({ quiet: true });
  console.log('Threadline workbench benchmark: the panel in code-server + Chromium, replies from the stand-in through the openai SDK and the extension host');
  const standIn = await startStandIn({ logFile: path.join(CACHE, 'stand-in-bench.log') });
  // The extension host (code-server passes its environment on) records each step of a send here.
  process.env.THREADLINE_TRACE_FILE = path.join(CACHE, 'send-trace.jsonl');
  fs.rmSync(process.env.THREADLINE_TRACE_FILE, { force: true });
  try {
    await runE2e({ standInUrl: standIn.url, files: [path.join(here, 'workbenchSteps.mjs')] });
  } finally {
    await standIn.stop();
  }
}
