#!/usr/bin/env node
// `npm start`: build the extension and open it in a real VS Code.
//   - `code` on PATH: `code --extensionDevelopmentPath=<repo>` (desktop Extension Development Host);
//   - otherwise code-server (from the test harness cache, set up on first use) on 127.0.0.1, with
//     this folder linked into its extensions dir; prints the URL and runs until Ctrl-C.
// Options:
//   --stand-in        also start the stand-in OpenAI server (no real key needed; set any key, e.g.
//                     "test") and point the user setting threadline.baseUrl at it
//   --folder PATH     the folder to open (default: this repository)
//   --port N          code-server port (default $PORT or 8080; a free one if that is taken)
//   --no-build        skip the build
// code-server keeps its state in .cache/harness/start/<profile> (profile "default", or "stand-in"
// with --stand-in, so the stand-in URL never ends up in the default profile's settings). The API
// key lives in the browser's storage for that server (code-server keeps secrets browser-side).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO, CACHE, ensureTools, freePort, startCodeServer, startStandIn, linkExtension, writeUserSettings,
  workbenchUrl, logger, shown, linkShortTmp,
} from '../test/harness/lib.mjs';

const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
const withStandIn = argv.includes('--stand-in');
const folder = path.resolve(opt('folder') ?? REPO);
const log = logger('start');

function build() {
  const steps = [['esbuild.mjs'], ...(withStandIn ? [['esbuild.mjs', '--tests']] : [])];
  for (const args of steps) {
    const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) { console.error(`build failed: node ${args.join(' ')}`); process.exit(1); }
  }
  log('built dist/');
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/** Merge into a settings.json we own; start over if it is not plain JSON. */
function mergeSettings(userDataDir, settings) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  let current = {};
  try { current = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* missing or JSONC: rewrite */ }
  return writeUserSettings(userDataDir, { ...current, ...settings });
}

// Ctrl-C: test/harness/lib.mjs stops code-server and the stand-in (their whole process groups).
const stops = [];
async function shutdown(code = 0) {
  for (const stop of stops.reverse()) await stop();
  process.exit(code);
}

if (!argv.includes('--no-build')) build();

let standIn;
if (withStandIn) {
  standIn = await startStandIn({
    // Slow the deltas down a little so a person can watch a reply stream in.
    env: { STAND_IN_DELAY_MS: process.env.STAND_IN_DELAY_MS ?? '40' },
    logFile: path.join(CACHE, 'start', 'stand-in.log'),
  }).catch((e) => { console.error(e.message); process.exit(1); });
  stops.push(standIn.stop);
  log(`stand-in server ${standIn.url} (requests logged to ${shown(path.join(CACHE, 'start', 'stand-in.log'))})`);
}

if (onPath('code') && !process.env.THREADLINE_USE_CODE_SERVER) {
  const args = [`--extensionDevelopmentPath=${REPO}`, folder];
  if (standIn) {
    // A separate profile folder, so that the stand-in URL never lands in your own settings.
    const userDataDir = path.join(CACHE, 'start', 'desktop-stand-in');
    mergeSettings(userDataDir, { 'threadline.baseUrl': standIn.url });
    args.unshift(`--user-data-dir=${userDataDir}`);
  }
  log(`code ${args.join(' ')}`);
  const r = spawnSync('code', args, { stdio: 'inherit' });
  if (!standIn) process.exit(r.status ?? 1);
  log('VS Code is open; the stand-in keeps running until Ctrl-C.');
  await new Promise(() => {});
}

// code-server
try {
  ensureTools({ browser: false });
} catch (e) {
  console.error(e.message);
  await shutdown(1);
}
const profile = path.join(CACHE, 'start', withStandIn ? 'stand-in' : 'default');
for (const d of ['xdg/config', 'xdg/data', 'xdg/cache', 'data/User', 'extensions']) fs.mkdirSync(path.join(profile, d), { recursive: true });
linkShortTmp(profile);
mergeSettings(path.join(profile, 'data'), withStandIn ? { 'threadline.baseUrl': standIn.url } : {});
linkExtension(path.join(profile, 'extensions'));

const wanted = Number(opt('port') ?? process.env.PORT ?? 8080);
const port = await freePort(wanted);
if (port !== wanted) log(`port ${wanted} is taken; using ${port}`);
let server;
try {
  server = await startCodeServer({ runDir: profile, port });
} catch (e) {
  console.error(e.message);
  await shutdown(1);
}
stops.push(server.stop);
const url = workbenchUrl(server.base, { folder });
console.log('');
console.log(`  Threadline is running in code-server: ${url}`);
console.log(withStandIn
  ? `  Stand-in server: ${standIn.url}. Run "Threadline: Set API Key" with any key (e.g. "test").`
  : '  Run "Threadline: Set API Key" from the Command Palette (F1), then open the Threadline view.');
console.log(`  After a rebuild (npm run build), reload the browser tab. Logs: ${shown(server.logFile)}`);
console.log('  Press Ctrl-C to stop.');
console.log('');
let quitting = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { quitting = true; });
server.child.on('exit', (code, signal) => {
  if (quitting) return;
  log(`code-server exited (${code ?? signal}); see ${shown(server.logFile)}`);
  void shutdown(code || 1);
});
