// One activation, in a fresh process (spawned by activation.ts, and by the VSIX test):
// `require('vscode')` answers with the stand-in below, then the host bundle is required and
// `activate` awaited. Prints one JSON line: how long each took, which of the bundle's files were
// loaded by the end, and how long each file left for later then takes to load (its first use).
// Node's modules that the extension host has loaded before any extension activates are loaded
// first and timed apart.
// Usage: node activationRun.js <bundle dir> <globalStorage dir>
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const [bundleDir, storageDir] = process.argv.slice(2) as [string, string];

/** What VS Code's extension host process imports as it starts (out/vs/workbench/api/node/extensionHostProcess.js) and the bundle requires. */
const HOST_BUILTINS = ['node:crypto', 'node:fs/promises', 'node:os', 'node:string_decoder', 'node:zlib'];

/** Subscriptions and events that never fire: activation only registers them. */
const disposable = () => ({ dispose() {} });
const event = () => disposable();

class EventEmitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Disposable {
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  constructor(private readonly onDispose: () => unknown) {}
  dispose(): void {
    this.onDispose();
  }
}

const uri = (fsPath: string) => ({ scheme: 'file', fsPath, path: fsPath, toString: () => `file://${fsPath}` });

function memento() {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? values.get(key) : fallback),
    update: async (key: string, value: unknown) => void values.set(key, value),
    setKeysForSync() {},
  };
}

/** The part of the `vscode` API that activation touches, behaving as in a fresh profile with no settings. */
const vscode = {
  version: '1.101.0',
  EventEmitter,
  Disposable,
  Uri: { file: uri, joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(path.join(base.fsPath, ...parts)), parse: (value: string) => uri(value) },
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  UIKind: { Desktop: 1, Web: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  l10n: { bundle: undefined, uri: undefined, t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) },
  env: { language: 'en', uiKind: 1, remoteName: undefined, appName: 'Visual Studio Code', openExternal: async () => true },
  window: {
    activeTextEditor: undefined,
    visibleTextEditors: [],
    createOutputChannel: () => ({ name: 'Threadline', trace() {}, debug() {}, info() {}, warn() {}, error() {}, append() {}, appendLine() {}, show() {}, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    registerWebviewViewProvider: disposable,
    registerWebviewPanelSerializer: disposable,
    onDidChangeWindowState: event,
    onDidChangeActiveTextEditor: event,
    withProgress: <T>(_options: unknown, task: (progress: unknown, token: unknown) => Promise<T>) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: event }),
  },
  commands: { registerCommand: disposable, executeCommand: async () => undefined },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: <T>(_key: string, fallback?: T) => fallback, has: () => false, inspect: () => undefined, update: async () => undefined }),
    onDidChangeConfiguration: event,
    onDidSaveTextDocument: event,
    onDidChangeWorkspaceFolders: event,
    createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
  },
};

/** Names what the stand-in lacks, instead of a TypeError somewhere inside the bundle. */
function strict<T extends object>(target: T, name: string): T {
  return new Proxy(target, {
    get(object, key) {
      if (typeof key === 'symbol' || key === 'then' || key === '__esModule' || key === 'default') return Reflect.get(object, key);
      if (!(key in object)) throw new Error(`activation touched ${name}.${key}, which the benchmark's vscode stand-in lacks`);
      const value = Reflect.get(object, key);
      return value && typeof value === 'object' && !Array.isArray(value) ? strict(value, `${name}.${key}`) : value;
    },
  });
}

const context = {
  extensionMode: vscode.ExtensionMode.Production,
  extensionUri: uri(path.dirname(bundleDir)),
  extensionPath: path.dirname(bundleDir),
  globalStorageUri: uri(storageDir),
  logUri: uri(path.join(storageDir, 'logs')),
  subscriptions: [] as Array<{ dispose(): unknown }>,
  globalState: memento(),
  workspaceState: memento(),
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: event },
};

interface HostBundle {
  activate(context: unknown): Promise<unknown>;
  deactivate(): Promise<void>;
}

async function main(): Promise<void> {
  const stub = strict(vscode, 'vscode');
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: typeof load })._load = function (request, ...rest) {
    return request === 'vscode' ? stub : load.call(this, request, ...rest);
  };
  const builtinsStarted = performance.now();
  for (const name of HOST_BUILTINS) require(name);
  const started = performance.now();
  const host = require(path.join(bundleDir, 'extension.js')) as HostBundle;
  const required = performance.now();
  await host.activate(context);
  const activated = performance.now();
  const loaded = Object.keys(require.cache).filter((file) => file.startsWith(bundleDir)).map((file) => path.relative(bundleDir, file));
  const later: Record<string, number> = {};
  for (const name of fs.readdirSync(bundleDir).filter((f) => f.endsWith('.js') && !loaded.includes(f))) {
    const start = performance.now();
    require(path.join(bundleDir, name));
    later[name] = performance.now() - start;
  }
  console.log(JSON.stringify({ builtinsMs: started - builtinsStarted, requireMs: required - started, activateMs: activated - required, loaded, later }));
  for (const item of context.subscriptions) item.dispose();
  await host.deactivate();
  // The library's change-feed poll would keep the process alive.
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
