// Localization of the manifest and the code: package.json's strings all come from
// package.nls.json, and l10n/bundle.l10n.json lists exactly the strings that the host
// (`vscode.l10n.t`) and the panel (`l10n.t` from @vscode/l10n) pass through l10n. The bundle is
// regenerated with `npm run l10n`; this test runs the same extractor and fails when it is stale.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { getL10nJson } from '@vscode/l10n-dev';

/** out/test/unit -> the repository. */
const REPO = path.resolve(__dirname, '..', '..', '..');

function tsFilesUnder(dir: string): string[] {
  return (fs.readdirSync(path.join(REPO, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(REPO, dir, f))
    .sort();
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8'));

test('l10n/bundle.l10n.json is up to date with the sources (run `npm run l10n` after changing a string)', async () => {
  const files = [...tsFilesUnder('src'), ...tsFilesUnder('webview-ui/src')];
  const extracted = await getL10nJson(files.map((f) => ({ extension: path.extname(f), contents: fs.readFileSync(f, 'utf8') })));
  const committed = readJson('l10n/bundle.l10n.json') as Record<string, unknown>;
  const missing = Object.keys(extracted).filter((k) => !(k in committed));
  const stale = Object.keys(committed).filter((k) => !(k in extracted));
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, 'the bundle differs from the strings in the code: run `npm run l10n`');
  assert.deepEqual(committed, extracted);
  // Both sides really are covered: a host string and a panel string.
  assert.ok('Threadline: API key removed.' in extracted, 'host strings (vscode.l10n.t) are extracted');
  assert.ok('Send' in extracted, 'panel strings (l10n.t from @vscode/l10n) are extracted');
});

test("package.json's user-facing strings all come from package.nls.json, and every entry there is used", () => {
  const manifest = fs.readFileSync(path.join(REPO, 'package.json'), 'utf8');
  const nls = readJson('package.nls.json') as Record<string, string>;
  const used = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
  assert.deepEqual([...used].filter((k) => !(k in nls)), [], 'keys in package.json missing from package.nls.json');
  assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'entries in package.nls.json that package.json does not use');

  const pkg = JSON.parse(manifest) as {
    description: string;
    contributes: {
      commands: { title: string; category: string }[];
      views: Record<string, { name: string }[]>;
      configuration: { properties: Record<string, { description?: string; markdownDescription?: string; enumDescriptions?: string[] }> };
      walkthroughs: { title: string; description: string; steps: { title: string; description: string }[] }[];
    };
  };
  const placeholder = /^%[^%]+%$/;
  const c = pkg.contributes;
  const strings = [
    pkg.description,
    ...c.commands.flatMap((cmd) => [cmd.title, cmd.category]),
    ...Object.values(c.views).flat().map((v) => v.name),
    ...Object.values(c.configuration.properties).flatMap((p) => [p.description, p.markdownDescription, ...(p.enumDescriptions ?? [])]),
    ...c.walkthroughs.flatMap((w) => [w.title, w.description, ...w.steps.flatMap((s) => [s.title, s.description])]),
  ].filter((s): s is string => s !== undefined);
  assert.deepEqual(strings.filter((s) => !placeholder.test(s)), [], 'literal strings left in package.json');
});
