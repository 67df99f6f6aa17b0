// package.json's menus, keybindings and `when` clauses against what the extension registers:
// every command a menu or key names is declared, the context keys they read are ones Threadline
// sets, commands about the open thread are hidden without one, and the image menu shows on the
// image types Threadline attaches, and only those.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CONTEXT_KEYS } from '../../src/host/contextKeys';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface MenuItem {
  command: string;
  when?: string;
}
interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, MenuItem[]>;
    keybindings: (MenuItem & { key: string; mac?: string })[];
    views: Record<string, { id: string }[]>;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
const { commands, menus, keybindings } = manifest.contributes;
const declared = new Set(commands.map((c) => c.command));
const palette = new Map(menus.commandPalette!.map((m) => [m.command, m.when]));

test('every command named by a menu or a keybinding is declared, and every declared one is registered in the code', () => {
  const named = [...Object.values(menus).flat(), ...keybindings].map((m) => m.command);
  assert.deepEqual(named.filter((c) => !declared.has(c)), []);
  const host = path.join(REPO, 'src', 'host');
  const files = fs.readdirSync(host, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const source = files.map((f) => fs.readFileSync(path.join(host, f), 'utf8')).join('\n');
  assert.deepEqual([...declared].filter((c) => !source.includes(`registerCommand('${c}'`)), []);
});

test('the threadline.* keys that `when` clauses read are views, the editor tab type, or context keys Threadline sets', () => {
  const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));
  const known = new Set<string>([...CONTEXT_KEYS, ...views, 'threadline.thread']);
  const whens = [...Object.values(menus).flat(), ...keybindings].map((m) => m.when ?? '');
  const used = new Set(whens.flatMap((w) => [...w.matchAll(/threadline\.[\w.]+/g)].map((m) => m[0].replace(/\.$/, ''))));
  assert.deepEqual([...used].filter((k) => !known.has(k)), []);
  // Each context key Threadline sets is read somewhere; one that is not would be dead code.
  assert.deepEqual(CONTEXT_KEYS.filter((k) => !used.has(k)), []);
});

test('commands about the open thread are in the palette only while there is one; Stop only while a reply streams', () => {
  for (const command of ['renameThread', 'togglePin', 'toggleArchive', 'deleteThread', 'exportThread']) {
    assert.match(palette.get(`threadline.${command}`) ?? '', /\bthreadline\.hasThread\b/, `threadline.${command}`);
  }
  assert.match(palette.get('threadline.stop') ?? '', /\bthreadline\.streaming\b/);
  for (const key of keybindings.filter((k) => k.command === 'threadline.stop')) {
    assert.match(key.when ?? '', /\bthreadline\.streaming\b/, 'Escape must reach other handlers when nothing streams');
  }
});

test('the explorer offers Attach Image on PNG, JPEG, GIF and WebP files only, and Ask About This File on the rest', () => {
  const explorer = menus['explorer/context']!;
  const imageWhen = explorer.find((m) => m.command === 'threadline.attachImage')!.when!;
  const fileWhen = explorer.find((m) => m.command === 'threadline.askAboutFile')!.when!;
  const pattern = /resourceExtname =~ \/(.+)\/(\w*)/.exec(imageWhen)!;
  assert.ok(pattern, imageWhen);
  const regex = new RegExp(pattern[1]!, pattern[2]);
  assert.ok(fileWhen.includes(`!(resourceExtname =~ /${pattern[1]}/${pattern[2]})`), 'Ask About This File must be offered exactly where Attach Image is not');
  for (const ext of ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.PNG', '.JPG']) assert.ok(regex.test(ext), ext);
  for (const ext of ['.svg', '.bmp', '.tiff', '.pngx', '.ts', '.md', '.webm', '']) assert.ok(!regex.test(ext), ext);
});

test('keybindings avoid the OS shortcuts users keep (Ctrl+Alt+T opens a terminal on GNOME), and no two share a key and a condition', () => {
  const reserved = ['ctrl+alt+t', 'ctrl+alt+delete', 'ctrl+alt+l', 'ctrl+alt+d', 'ctrl+alt+left', 'ctrl+alt+right', 'ctrl+alt+up', 'ctrl+alt+down'];
  for (const k of keybindings) assert.ok(!reserved.includes(k.key), `${k.command} is bound to ${k.key}`);
  const seen = keybindings.map((k) => `${k.key} | ${k.when ?? ''}`);
  assert.equal(new Set(seen).size, seen.length);
  for (const command of ['threadline.focus', 'threadline.newThread', 'threadline.send', 'threadline.stop']) {
    assert.ok(keybindings.some((k) => k.command === command), `no key for ${command}`);
  }
});

test('the thread bar\'s context menu (webview/context) offers the thread\'s actions, in Threadline webviews only', () => {
  const items = menus['webview/context']!;
  assert.deepEqual(items.map((m) => m.command).sort(), ['threadline.deleteThread', 'threadline.exportThread', 'threadline.renameThread', 'threadline.toggleArchive', 'threadline.togglePin']);
  for (const item of items) assert.match(item.when ?? '', /webviewId =~ \/\^threadline.*&& webviewSection == 'thread'/);
});
