// Packs the extension as a user would install it and checks what ships: the bundles, media,
// manifest and its English strings, README and licence — never the stand-in server, tests or source.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

test('the VSIX holds only what runs, and the host bundle is self-contained', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-vsix-'));
  const vsix = path.join(dir, 'threadline.vsix');
  try {
    execFileSync('npm', ['run', '--silent', 'package', '--', '-o', vsix], { stdio: 'pipe' });
    const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(
      listing.filter((f) => f.startsWith('extension/')),
      [
        'extension/LICENSE.txt',
        'extension/dist/extension.js',
        'extension/dist/openai.js',
        'extension/dist/tokenizer.js',
        'extension/dist/webview/webview.js',
        'extension/media/screenshot-panel.png',
        'extension/media/threadline.svg',
        'extension/media/walkthrough/askAboutFile.md',
        'extension/media/walkthrough/connect.md',
        'extension/media/walkthrough/panel.md',
        'extension/media/webview/codicons/codicon.css',
        'extension/media/webview/codicons/codicon.ttf',
        'extension/media/webview/panel.css',
        'extension/package.json',
        'extension/package.nls.json',
        'extension/readme.md',
      ],
    );
    const host = execFileSync('unzip', ['-p', vsix, 'extension/dist/extension.js'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(!host.includes('__stand-in'), 'the stand-in server leaked into the shipped bundle');
    // Everything but `vscode` is bundled, so the VSIX needs no node_modules.
    const requires = new Set([...host.matchAll(/require\("([^"]*)"\)/g)].map((m) => m[1]!.replace(/^node:/, '')));
    const builtins = new Set(builtinModules);
    // …but for the openai SDK and the tokenizer tables, files of their own beside it, loaded on first use.
    assert.deepEqual([...requires].filter((r) => r !== 'vscode' && !builtins.has(r)).sort(), ['./openai.js', './tokenizer.js']);
    assert.ok(!host.includes('Failed to get token from'), 'the openai SDK is in the host bundle, so activation evaluates it');
    // The shipped bundles activate (against the benchmark's stand-in vscode) without loading either.
    execFileSync('unzip', ['-q', vsix, 'extension/dist/*', '-d', dir]);
    const runner = path.resolve(__dirname, '..', 'bench', 'activationRun.js');
    const activation = JSON.parse(execFileSync(process.execPath, [runner, path.join(dir, 'extension', 'dist'), path.join(dir, 'globalStorage')], { encoding: 'utf8' })) as { loaded: string[] };
    assert.deepEqual(activation.loaded, ['extension.js']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    // Packing rebuilt dist/ for production (vscode:prepublish): put the development build, with
    // its source maps, back for the VS Code stages that run after this one.
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: path.resolve(__dirname, '..', '..', '..'), stdio: 'pipe' });
  }
});
