// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, no unused code,
// type-only imports marked as such, unawaited promises in the shipped code, and the boundaries
// between the layers. `npm run lint`; a stage of `npm test`.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Node's modules by every name an import can use: `node:fs`, and the bare `fs` and `fs/promises`.
const NODE_MODULES = [...new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])))];

/**
 * What a layer may not use, and why: `modules` by name, `paths` as a pattern over the import's
 * path; `loads` catches `import()` and `require()` of those modules, which imports do not cover.
 */
const layers = {
  vscode: {
    modules: ['vscode'],
    loads: ["ImportExpression[source.value='vscode']", "CallExpression[callee.name='require'][arguments.0.value='vscode']"],
    message: 'Only src/host and src/extension.ts use the VS Code API.',
  },
  node: {
    modules: NODE_MODULES,
    // A browser has no `require` at all.
    loads: ['ImportExpression[source.value=/^node:/]', "CallExpression[callee.name='require']"],
    message: 'This runs in the webview, a browser: no Node modules.',
  },
  host: { paths: '(^|/)(host(/|$)|extension$)', message: 'The VS Code glue (src/host) builds on this layer, never the reverse.' },
  shared: { paths: '(^|/)shared(/|$)', message: 'The host–panel protocol (src/shared) builds on core, never the reverse.' },
  panel: { paths: '(^|/)webview-ui(/|$)', message: 'The panel (webview-ui) builds on this layer, never the reverse.' },
};

/** The rules that keep a folder off the `forbidden` layers. */
function boundaries(...forbidden) {
  const chosen = forbidden.map((name) => layers[name]);
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: chosen.flatMap((l) => (l.modules ?? []).map((name) => ({ name, message: l.message }))),
        patterns: chosen.filter((l) => l.paths).map((l) => ({ regex: l.paths, message: l.message })),
      },
    ],
    'no-restricted-syntax': ['error', ...chosen.flatMap((l) => (l.loads ?? []).map((selector) => ({ selector, message: l.message })))],
  };
}

export default defineConfig(
  { ignores: ['dist/', 'out/', 'node_modules/', 'test-output/', '.cache/', 'media/', 'l10n/'] },
  // A disable comment that suppresses nothing is an error: none lingers after its reason went.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Synchronous loads on purpose: the openai SDK on the first request and the tokenizer's tables
      // on the first token count, never at activation (src/core/backends/sdk.ts,
      // src/core/context/tokens.ts), and mocha's CommonJS build in the extension-host test entry
      // (test/integration/index.ts).
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^\\./sdkValues$', '^gpt-tokenizer/encoding/o200k_base$', '^mocha/lib/mocha\\.cjs$'] }],
    },
  },
  // The activation benchmark's job is to time `require` of bundles it names at run time.
  { files: ['test/bench/activationRun.ts'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['**/*.ts'],
    rules: {
      // `import type` is erased from the bundles for certain, so a type never drags a module in.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports', disallowTypeAnnotations: false }],
    },
  },
  // The shipped code, with type information (one TypeScript program, about the cost of a
  // type-check): a promise nobody awaits fails silently in the extension host, so each one is
  // awaited, returned or marked `void`.
  {
    files: ['src/**/*.ts', 'webview-ui/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  // The page globals of the browser tests and benchmarks: loosely typed on purpose, set and read
  // only by those scripts, which are type-checked without strict mode (tsconfig.scripts.json).
  { files: ['test/pageGlobals.d.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // The Node side: the extension host and its core, the build scripts, the tests.
  { files: ['src/**', 'scripts/**', 'esbuild.mjs', 'eslint.config.mjs', 'test/**'], languageOptions: { globals: globals.node } },
  // The panel, and the browser tests' functions that run inside a page (page.evaluate).
  { files: ['webview-ui/**', 'test/**/*.mjs'], languageOptions: { globals: globals.browser } },

  // The layers. src/core is plain Node: the unit tests, the benchmarks and the library's other
  // processes run it without VS Code, so it never needs `vscode`, the host around it, nor the
  // protocol and panel built on it.
  { files: ['src/core/**'], rules: boundaries('vscode', 'host', 'shared', 'panel') },
  // src/shared is what host and panel say to each other and is bundled into both: neither VS
  // Code nor Node, and it depends on neither side.
  { files: ['src/shared/**'], rules: boundaries('vscode', 'node', 'host', 'panel') },
  // The panel runs in the webview's browser sandbox: no VS Code API (it talks to the host by
  // postMessage) and no Node modules; it uses core's and shared's browser-safe modules.
  { files: ['webview-ui/**'], rules: boundaries('vscode', 'node', 'host') },
  // The host only loads the panel's bundle into a webview; it never imports its code. What it puts
  // before the user (questions, notifications, progress, web links) goes through one seam,
  // src/host/prompts.ts, which the integration suite answers in place of a user: so no command
  // needs an argument only a test would pass.
  { files: ['src/host/**', 'src/extension.ts'], rules: boundaries('panel') },
  {
    files: ['src/host/**', 'src/extension.ts'],
    ignores: ['src/host/prompts.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.property.name='window'][property.name=/^(show(Information|Warning|Error)Message|showQuickPick|showInputBox|showOpenDialog|showSaveDialog|createQuickPick|createInputBox|withProgress)$/]",
          message: 'Questions, notifications and progress go through Prompts (src/host/prompts.ts).',
        },
        { selector: "MemberExpression[object.property.name='env'][property.name='openExternal']", message: 'Web links open through Prompts.openLink (src/host/prompts.ts).' },
      ],
    },
  },
);
