// Shared pieces of the VS Code test harness: the tool cache (Node 24 + code-server from npm,
// Debian Chromium), per-run folders, free ports, the stand-in server, code-server and Chromium.
// Plain ESM run on the project's Node (22); code-server itself runs on the cached Node 24.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import util from 'node:util';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.resolve(process.env.THREADLINE_HARNESS_CACHE || path.join(REPO, '.cache', 'harness'));
export const NODE24_VERSION = process.env.THREADLINE_NODE24_VERSION || '24.21.0';
export const CODE_SERVER_VERSION = process.env.THREADLINE_CODE_SERVER_VERSION || '4.139.1';
const NODE24_HOME = path.join(CACHE, 'node24', 'node_modules', 'node', 'node_modules', `node-${process.platform}-${os.arch()}`);
export const NODE24 = path.join(NODE24_HOME, 'bin', 'node');
export const CS_ENTRY = path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p)) || '/usr/bin/chromium';

const t0 = Date.now();
export const elapsed = () => ((Date.now() - t0) / 1000).toFixed(1);
export function logger(tag) {
  return (...a) => console.log(`[${tag} ${elapsed()}s]`, ...a);
}
const log = logger('harness');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Setup: everything below is idempotent and fast when already done.

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function versionOf(nodeBin) {
  const r = spawnSync(nodeBin, ['-v'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The environment for a nested npm: without what an outer `npm run` sets about itself and the
 * project (npm_config_user_agent names the outer Node, which code-server's postinstall checks;
 * npm_config_local_prefix is the project). Registry, cache and CA settings stay.
 */
const OUTER_NPM_VARS = /^npm_(config_user_agent|config_local_prefix|config_npm_version|config_node_gyp|command|execpath|node_execpath|lifecycle_.*|package_.*)$/i;
function cleanNpmEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OUTER_NPM_VARS.test(k)));
  return { ...env, ...extra };
}

/** npm install <spec> into its own folder (never the project's node_modules). */
function npmInstallInto(dir, spec, { node = process.execPath, env = cleanNpmEnv() } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  run(node, [findNpmCli(), 'install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], { cwd: dir, env });
}

function hasChromium() {
  return fs.existsSync(CHROMIUM);
}
function dpkgHas(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Debian packages: Chromium to drive the workbench, krb5 headers + pkg-config to build code-server's `kerberos`. */
function ensureDebianPackages({ needBuildDeps, needBrowser }) {
  const missing = [];
  if (needBrowser && !hasChromium()) missing.push('chromium');
  if (needBuildDeps && fs.existsSync('/usr/bin/dpkg-query')) {
    if (!dpkgHas('libkrb5-dev')) missing.push('libkrb5-dev');
    if (!dpkgHas('pkg-config') && !dpkgHas('pkgconf')) missing.push('pkg-config');
  }
  if (missing.length === 0) return;
  if (!isRoot() || !fs.existsSync('/usr/bin/apt-get')) {
    throw new Error(`Missing system packages: ${missing.join(' ')}. Install them, e.g.:\n` +
      `    sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n` +
      `(or point CHROMIUM=/path/to/chromium at a Chromium/Chrome binary).`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
  if (needBrowser && !hasChromium()) throw new Error(`chromium still missing at ${CHROMIUM} after apt-get install`);
}

/**
 * Make sure Node 24, code-server and (for the tests, `browser`) Chromium are there. Node 24 comes
 * from the npm package `node` (binary + headers inside); code-server must be installed by npm
 * running on Node 24 (its postinstall checks the Node major in npm's user agent) with node-gyp
 * using Node 24's headers. `npm start` opens the printed URL in the user's own browser, so it
 * needs no Chromium.
 */
export function ensureTools({ quiet = false, browser = true } = {}) {
  const started = Date.now();
  const csReady = fs.existsSync(CS_ENTRY) && fs.existsSync(path.join(CACHE, 'code-server', '.installed-' + CODE_SERVER_VERSION));
  ensureDebianPackages({ needBuildDeps: !csReady, needBrowser: browser });
  if (versionOf(NODE24) !== `v${NODE24_VERSION}`) {
    log(`installing node@${NODE24_VERSION} into ${shown(CACHE)}/node24`);
    npmInstallInto(path.join(CACHE, 'node24'), `node@${NODE24_VERSION}`);
    const v = versionOf(NODE24);
    if (!v?.startsWith('v24.')) throw new Error(`Node 24 not usable at ${NODE24} (got ${v})`);
  }
  if (!csReady) {
    log(`installing code-server@${CODE_SERVER_VERSION} with npm on Node 24 (about 1.5 min)`);
    const dir = path.join(CACHE, 'code-server');
    npmInstallInto(dir, `code-server@${CODE_SERVER_VERSION}`, {
      node: NODE24, // npm itself on Node 24: its user agent is what the postinstall checks
      env: cleanNpmEnv({
        PATH: `${path.dirname(NODE24)}${path.delimiter}${process.env.PATH}`,
        npm_config_nodedir: NODE24_HOME, // node-gyp builds native modules against Node 24's headers
      }),
    });
    if (!fs.existsSync(CS_ENTRY)) throw new Error(`code-server install did not produce ${CS_ENTRY}`);
    fs.writeFileSync(path.join(dir, '.installed-' + CODE_SERVER_VERSION), new Date().toISOString() + '\n');
  }
  if (!quiet || Date.now() - started > 2000) log(`tools ready (${((Date.now() - started) / 1000).toFixed(1)}s): node ${NODE24_VERSION}, code-server ${CODE_SERVER_VERSION}${browser ? `, ${CHROMIUM}` : ''}`);
}

/** npm's own cli.js, to run npm on a chosen Node (the `npm` on PATH is bound to another one). */
const npmExecPath = process.env.npm_execpath;
function findNpmCli() {
  const candidates = [npmExecPath];
  const r = spawnSync('npm', ['root', '-g'], { encoding: 'utf8', env: cleanNpmEnv() });
  if (r.status === 0) candidates.push(path.join(r.stdout.trim(), 'npm', 'bin', 'npm-cli.js'));
  for (const c of candidates) if (c && /npm-cli\.js$/.test(c) && fs.existsSync(c)) return c;
  throw new Error('cannot find npm-cli.js (is npm installed?)');
}

// ---------------------------------------------------------------------------------------------
// Per-run folders, ports, processes.

/** A fresh folder for one run under CACHE/runs; keeps only the newest few runs around. */
export function newRunDir(label = 'run') {
  const runs = path.join(CACHE, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  const old = fs.readdirSync(runs).map((n) => path.join(runs, n))
    .filter((p) => fs.statSync(p).isDirectory())
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const p of old.slice(8)) {
    fs.rmSync(runTmpDir(p), { recursive: true, force: true });
    fs.rmSync(p, { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(runs, `${label}-`));
  for (const d of ['xdg/config', 'xdg/data', 'xdg/cache', 'data/User', 'extensions']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  // Chromium and code-server put unix sockets in TMPDIR, and a socket path may not exceed 107
  // bytes: a run folder inside a deep checkout is too long. So the run's temp folder is a short
  // one under /tmp, reachable from the run folder through the `tmp` link.
  linkShortTmp(dir);
  return dir;
}

/** Gives `dir` a `tmp` link to a fresh short temp folder, unless it has a live one already. */
export function linkShortTmp(dir) {
  const link = path.join(dir, 'tmp');
  if (fs.existsSync(link) && fs.lstatSync(link).isSymbolicLink()) return;
  fs.rmSync(link, { recursive: true, force: true });
  const shortRoot = fs.existsSync('/tmp') ? '/tmp' : os.tmpdir();
  fs.symlinkSync(fs.mkdtempSync(path.join(shortRoot, 'tl-')), link);
}

/** The real (short) temp folder of a run; see newRunDir. */
function runTmpDir(runDir) {
  const link = path.join(runDir, 'tmp');
  try { return fs.readlinkSync(link); } catch { return link; }
}

/** A free TCP port on 127.0.0.1 (`preferred` if it is free). */
export async function freePort(preferred = 0) {
  const tryListen = (port) => new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const p = /** @type {net.AddressInfo} */ (srv.address()).port;
      srv.close(() => resolve(p));
    });
  });
  return (preferred && (await tryListen(preferred))) || (await tryListen(0));
}

/** Env for processes of one run: XDG_* and TMPDIR inside the run folder. */
export function runEnv(runDir, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg/config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg/data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg/cache'),
    TMPDIR: runTmpDir(runDir),
    ...extra,
  };
}

/** Kill a child started with `detached: true` together with everything it started. */
function killGroup(child, signal = 'SIGTERM') {
  if (!child?.pid) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

/** Children started here, so that they never outlive this process (Ctrl-C included). */
const live = new Set();
process.on('exit', () => { for (const child of live) killGroup(child, 'SIGKILL'); });
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    void Promise.all([...live].map((child) => stopGroup(child))).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

/** Stop a process group: SIGTERM, then SIGKILL if it lingers (helpers such as the agent host may). */
async function stopGroup(child) {
  if (!child?.pid || !live.has(child)) return;
  killGroup(child, 'SIGTERM');
  for (let i = 0; i < 30 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
  killGroup(child, 'SIGKILL');
  live.delete(child);
}

// ---------------------------------------------------------------------------------------------
// The stand-in OpenAI-compatible server (test/stand-in, built to out/test/stand-in/cli.js).

export const STAND_IN_CLI = path.resolve(process.env.THREADLINE_STAND_IN_CLI || path.join(REPO, 'out', 'test', 'stand-in', 'cli.js'));

/**
 * Start the stand-in; resolves with { url, stop() } once it printed its base URL.
 * @param {{ logFile?: string, env?: Record<string, string> }} [options]
 */
export async function startStandIn({ logFile, env = {} } = {}) {
  if (!fs.existsSync(STAND_IN_CLI)) {
    throw new Error(`stand-in server not built: ${path.relative(REPO, STAND_IN_CLI)} is missing ` +
      `(expected from test/stand-in/cli.ts via "node esbuild.mjs --tests").`);
  }
  const child = spawn(process.execPath, [STAND_IN_CLI], {
    cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  live.add(child);
  if (logFile) fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = logFile ? fs.createWriteStream(logFile) : undefined;
  child.stderr.on('data', (d) => out?.write(d));
  const url = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    let first = true;
    rl.on('line', (line) => {
      out?.write(line + '\n');
      if (first) { first = false; resolve(line.trim()); }
    });
    child.once('exit', (code, sig) => reject(new Error(`stand-in exited (${code ?? sig}) before printing its URL` + (logFile ? `; see ${logFile}` : ''))));
    setTimeout(() => reject(new Error('stand-in printed no URL within 15s')), 15000).unref();
  });
  if (!/^https?:\/\/\S+$/.test(url)) {
    await stopGroup(child);
    throw new Error(`stand-in's first stdout line is not a URL: ${JSON.stringify(url)}`);
  }
  return { url, pid: child.pid, child, stop: () => stopGroup(child) };
}

// ---------------------------------------------------------------------------------------------
// code-server

/** Write the user settings of a code-server user-data dir. */
export function writeUserSettings(userDataDir, settings) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const base = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'update.mode': 'none',
    // Run folders live inside the repository's .cache: no "open the parent repository?" prompt.
    'git.openRepositoryInParentFolders': 'never',
    // No built-in AI chat (there is no Copilot here): keeps the secondary side bar out of the way.
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  };
  fs.writeFileSync(file, JSON.stringify({ ...base, ...settings }, null, 2) + '\n');
  return file;
}

/** A workspace folder with a couple of sample files. */
export function makeWorkspace(runDir) {
  const ws = path.join(runDir, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'hello.ts'), 'export function hello(name: string): string {\n  return `Hello, ${name}!`;\n}\n');
  fs.writeFileSync(path.join(ws, 'notes.md'), '# Notes\n\n- Ask Threadline about `hello.ts`.\n');
  return ws;
}

/**
 * Load the extension folder as an installed extension: a symlink named publisher.name-version in
 * the extensions dir (code-server picks up folders there at start). Fast, and edits + rebuilds show
 * up after a window reload.
 */
export function linkExtension(extensionsDir, extDir = REPO) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8'));
  fs.mkdirSync(extensionsDir, { recursive: true });
  const link = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(extDir, link, 'dir');
  return { id: `${pkg.publisher}.${pkg.name}`, link };
}

/**
 * Start code-server in its own process group on 127.0.0.1:port; resolves once the workbench page
 * answers 200 (healthz alone says OK even when the workbench fails).
 * @param {{ runDir: string, port: number, userDataDir?: string, extensionsDir?: string, env?: Record<string, string>,
 *   extraArgs?: string[], smokeDriver?: boolean, logFile?: string, stdio?: import('node:child_process').StdioOptions }} options
 */
export async function startCodeServer({ runDir, port, userDataDir = path.join(runDir, 'data'),
  extensionsDir = path.join(runDir, 'extensions'), env = {}, extraArgs = [], smokeDriver = false, logFile, stdio }) {
  const config = path.join(runDir, 'code-server.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [CS_ENTRY, '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ...(smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []), ...extraArgs];
  const logPath = logFile ?? path.join(runDir, 'code-server.log');
  const out = stdio ? undefined : fs.openSync(logPath, 'w');
  const child = spawn(NODE24, args, { cwd: runDir, env: runEnv(runDir, env), stdio: stdio ?? ['ignore', out, out], detached: true });
  if (out !== undefined) fs.closeSync(out);
  live.add(child);
  const base = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + 60000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const r = await fetch(`${base}/`, { redirect: 'follow' });
      if (r.ok) return { base, port, pid: child.pid, child, logFile: logPath, stop };
      last = `HTTP ${r.status}`;
    } catch (e) { last = e.cause?.code ?? e.message; }
    await sleep(100);
  }
  await stop();
  throw new Error(`code-server did not come up on ${base} (${last}); see ${logPath}`);
}

/** @param {string} base @param {{ folder?: string, payload?: string[][] }} [options] */
export function workbenchUrl(base, { folder, payload } = {}) {
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  if (payload) q.set('payload', JSON.stringify(payload));
  const s = q.toString();
  return `${base}/${s ? '?' + s : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Chromium through playwright-core

export async function launchChromium(runDir, { headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(path.join(runDir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless,
    // Crashpad and dconf write under XDG dirs: keep them inside the run folder.
    env: runEnv(runDir),
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * Console noise of an offline workbench: failed gallery/telemetry look-ups, the missing `vsda`, the
 * built-in agent host and chat helpers, and start-up chatter. VERBOSE=1 shows everything.
 */
export const NOISE = new RegExp([
  String.raw`\[AgentHost[^\]]*\]`, String.raw`\[ChatModelSelection\]`, String.raw`\[AccountPolicyGate\]`, String.raw`\[Service Worker\]`,
  'ENOTFOUND', 'EAI_AGAIN', 'open-vsx', 'vsda', 'marketplace', 'telemetry',
  '^Creating a socket', '^Updating additional builtin extensions cache',
  'Long running operations during shutdown are unsupported in the web', // on page reload
].join('|'), 'i');

/** A path for messages: relative to the repo when inside it. */
export function shown(p) {
  const rel = path.relative(REPO, p);
  return rel.startsWith('..') ? p : rel;
}

/**
 * Expose VS Code's automation hooks (window.codeAutomationLog / codeAutomationExit), as VS Code's own
 * web integration tests do. Must run before page.goto. Returns { exited }: a promise of the exit code
 * (wrapped, so that awaiting this function does not wait for the exit).
 */
/**
 * @param {import('playwright-core').Page} page
 * @param {{ print?: (line: string, level?: unknown) => void, verbose?: boolean }} [options]
 */
export async function exposeAutomationHooks(page, { print = (s) => console.log(s), verbose = !!process.env.VERBOSE } = {}) {
  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  await page.exposeFunction('codeAutomationLog', (level, msg) => {
    let s = typeof msg === 'string' ? msg : JSON.stringify(msg);
    try { const a = JSON.parse(s); if (Array.isArray(a)) s = util.format(...a); } catch { /* plain text */ }
    if (/^\s*$/.test(s)) return;
    if (verbose || !NOISE.test(s)) print(s, level);
  });
  await page.exposeFunction('codeAutomationExit', (code) => { resolveExit(code); });
  return { exited };
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000}s`)), ms); }),
  ]);
}

/** Format counts as "N passed, N failed" (plus ", N skipped" when any). */
export function countLine({ passed = 0, failed = 0, skipped = 0 }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
