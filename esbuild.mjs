// Builds the extension host bundle (node, cjs, `vscode` external), the webview bundle (browser),
// and, with --tests, the test files and the stand-in server (node, cjs, packages external).
// Flags: --production (minify, no source maps), --watch, --tests.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

// The tokenizer's tables are megabytes: the host bundle loads them from their own file on the
// first token count, so activation never parses them (src/core/context/tokens.ts requires lazily).
const TOKENIZER = 'gpt-tokenizer/encoding/o200k_base';
/** @type {esbuild.Plugin} */
const lazyTokenizer = {
  name: 'lazy-tokenizer',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: './tokenizer.js', external: true }));
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
    plugins: [lazyTokenizer],
  },
  {
    ...common,
    sourcemap: false,
    entryPoints: { tokenizer: createRequire(import.meta.url).resolve(TOKENIZER) },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
  },
  {
    ...common,
    entryPoints: ['webview-ui/src/main.ts'],
    outfile: 'dist/webview/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// The panel's code-block buttons use codicons: panel.css imports the stylesheet, which loads the
// font beside it. Both are copied from the package so the VSIX ships them (see .vscodeignore).
const codiconsDir = path.dirname(createRequire(import.meta.url).resolve('@vscode/codicons/dist/codicon.css'));
fs.mkdirSync('media/webview/codicons', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codiconsDir, file), path.join('media/webview/codicons', file));

/** Every *.ts under `dir` (recursively), for the test build. */
function tsFilesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

if (tests) {
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: ['test/unit', 'test/backend', 'test/build', 'test/bench', 'test/stand-in', 'test/integration'].flatMap(tsFilesUnder),
    outdir: 'out/test',
    outbase: 'test',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // Tests load the real SDK (and mocha) from node_modules, as the extension host does.
    packages: 'external',
    external: ['vscode'],
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
