// `npm run bench`: what activating the extension costs, printed, never asserted. The production
// host bundle (built as `vscode:prepublish` builds it, then the development build is put back)
// is copied aside and, in a fresh `node` process per run so no module cache helps, required and
// activated against a stand-in `vscode` module (activationRun.ts) on an empty library.
// Node stands in for the extension host, which runs the same Node; the host's own work around
// `activate` (reading the manifest, creating the context) is not included, nor loading the Node
// modules it has loaded already. BENCH_ACTIVATION_DIST=<folder> measures the bundles there instead
// (another build's dist/, to compare).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 15);
const root = path.resolve(__dirname, '..', '..', '..');

interface Run {
  builtinsMs: number;
  requireMs: number;
  activateMs: number;
  loaded: string[];
  later: Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function range(values: number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
}

/** The bundles of `dist` (its *.js, not the webview's folder), copied into `dir`. */
function copyBundles(dist: string, dir: string): void {
  for (const name of fs.readdirSync(dist)) {
    if (name.endsWith('.js')) fs.copyFileSync(path.join(dist, name), path.join(dir, name));
  }
}

/** The production bundles, copied into `dir`. */
function productionBundles(dir: string): void {
  const build = (...flags: string[]) => execFileSync(process.execPath, ['esbuild.mjs', ...flags], { cwd: root, stdio: 'inherit' });
  build('--production');
  try {
    copyBundles(path.join(root, 'dist'), dir);
  } finally {
    build();
  }
}

function main(): void {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-activation-'));
  try {
    const bundles = path.join(temp, 'dist');
    const storage = path.join(temp, 'globalStorage');
    fs.mkdirSync(bundles);
    const other = process.env.BENCH_ACTIVATION_DIST;
    if (other) copyBundles(path.resolve(other), bundles);
    else productionBundles(bundles);
    const once = (): Run => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'activationRun.js'), bundles, storage], { encoding: 'utf8' })) as Run;

    console.log(`Threadline activation: the ${other ? `host bundle of ${other}` : 'production host bundle'} required and activated in Node with a stand-in vscode, ${RUNS} fresh processes; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    for (const name of fs.readdirSync(bundles).sort()) {
      const kb = fs.statSync(path.join(bundles, name)).size / 1024;
      console.log(`${`size of dist/${name}`.padEnd(52)} ${kb.toFixed(0).padStart(9)} KB`);
    }
    // The first run creates the library (as a first start would) and warms the disk cache.
    once();
    const runs = Array.from({ length: RUNS }, once);
    const rows: Array<[string, number[]]> = [
      ['(not counted) Node modules the extension host has', runs.map((r) => r.builtinsMs)],
      ['require the host bundle', runs.map((r) => r.requireMs)],
      ['activate()', runs.map((r) => r.activateMs)],
      ['require + activate()', runs.map((r) => r.requireMs + r.activateMs)],
    ];
    for (const [label, values] of rows) console.log(`${label.padEnd(52)} ${median(values).toFixed(1).padStart(9)} ms median (${range(values)})`);
    console.log(`${'files of dist/ loaded by the end of activate()'.padEnd(52)} ${runs[0]!.loaded.join(', ')}`);
    for (const name of Object.keys(runs[0]!.later)) {
      const values = runs.map((r) => r.later[name]!);
      console.log(`${`… later, on first use: require dist/${name}`.padEnd(52)} ${median(values).toFixed(1).padStart(9)} ms median (${range(values)})`);
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

main();
