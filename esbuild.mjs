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

// Packages the host needs only on first use, each bundled into a file of its own beside the host
// bundle, which requires it from there when the time comes, so activation never evaluates them:
// the tokenizer's tables (megabytes; the first token count, src/core/context/tokens.ts) and the
// openai SDK (most of the host's code; the first request, src/core/backends/sdk.ts, whose
// sdkValues.ts lists what of it the bundle holds).
const TOKENIZER = 'gpt-tokenizer/encoding/o200k_base';
const SDK_VALUES = 'src/core/backends/sdkValues.ts';
/** @type {esbuild.Plugin} */
const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: './tokenizer.js', external: true }));
    // Any other module importing a value from the SDK would load it at activation again.
    const eager = (/** @type {esbuild.OnResolveArgs} */ args) => ({
      errors: [{ text: `${path.relative('.', args.importer)} imports a value from '${args.path}': reach the SDK through openai() (src/core/backends/sdk.ts); import only types from it` }],
    });
    build.onResolve({ filter: /\/sdkValues$/ }, (args) => (path.basename(args.importer) === 'sdk.ts' ? { path: './openai.js', external: true } : eager(args)));
    build.onResolve({ filter: /^openai(\/|$)/ }, eager);
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
    plugins: [lazyPackages],
  },
  {
    ...common,
    sourcemap: false,
    entryPoints: { tokenizer: createRequire(import.meta.url).resolve(TOKENIZER), openai: SDK_VALUES },
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
