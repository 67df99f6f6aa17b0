// Shared by the integration suite files (runs inside the real extension host).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EditorThreadPanel } from '../../../src/host/panel/editorPanels';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { setApiKey } from './answers';

export const EXTENSION_ID = 'threadline.threadline';

export async function activateExtension(): Promise<ThreadlineTestApi> {
  const extension = vscode.extensions.getExtension<ThreadlineTestApi | undefined>(EXTENSION_ID);
  if (!extension) throw new Error(`Extension ${EXTENSION_ID} is not installed in this host`);
  const api = await extension.activate();
  if (!api) throw new Error('activate() returned no test API: is the host running in ExtensionMode.Test?');
  return api;
}

/** The stand-in server's base URL (…/v1), given by the harness. */
export function standInUrl(): string {
  const url = process.env.THREADLINE_STAND_IN_URL;
  if (!url) throw new Error('THREADLINE_STAND_IN_URL is not set: run this suite through `npm run test:vscode`.');
  return url;
}

/** The stand-in's control API lives beside /v1, e.g. http://127.0.0.1:PORT/__stand-in/faults. */
export function standInControl(path: string): string {
  return new URL(`/__stand-in/${path}`, standInUrl()).toString();
}

export async function injectFault(fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(standInControl('faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`Could not inject fault: ${res.status} ${await res.text()}`);
}

export async function clearFaults(): Promise<void> {
  await fetch(standInControl('faults'), { method: 'DELETE' });
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
}

export async function recordedRequests(): Promise<RecordedRequest[]> {
  const res = await fetch(standInControl('requests'));
  return (await res.json()) as RecordedRequest[];
}

/** Opens the Threadline view so its webview resolves and renders. */
export async function showPanel(api: ThreadlineTestApi): Promise<void> {
  await vscode.commands.executeCommand('threadline.chat.focus');
  await api.view.waitForRender(() => true, 20_000);
}

export async function pointAtStandIn(): Promise<void> {
  const config = vscode.workspace.getConfiguration('threadline');
  if (config.inspect<string>('baseUrl')?.globalValue !== standInUrl()) {
    await config.update('baseUrl', standInUrl(), vscode.ConfigurationTarget.Global);
  }
}

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Activates Threadline, points it at the stand-in, opens the panel and sets `key`. */
export async function readyPanel(key: string): Promise<ThreadlineTestApi> {
  const api = await activateExtension();
  await pointAtStandIn();
  await showPanel(api);
  await setApiKey(api, key);
  return api;
}

/** A scratch folder inside the workspace, with a writer that returns each file's Uri. */
export function scratchFolder(prefix: string): { write(name: string, content: string | Buffer): vscode.Uri; remove(): void } {
  const folder = fs.mkdtempSync(path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, prefix));
  return {
    write(name, content) {
      const target = path.join(folder, name);
      fs.writeFileSync(target, content);
      return vscode.Uri.file(target);
    },
    remove: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

/** Puts the dialect of new threads back to the provider's default. */
export function resetBackendSetting(): Thenable<void> {
  return vscode.workspace.getConfiguration('threadline').update('backend', undefined, vscode.ConfigurationTarget.Global);
}

/** Threadline editor tabs as the workbench shows them (title per tab). */
export function threadTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('threadline.thread'))
    .map((t) => t.label);
}

/**
 * Opens `threadId` in an editor tab as a user does (shown in the side panel, then Open Thread in
 * Editor) and resolves with the tab's session once it has drawn the thread.
 */
export async function openInEditor(api: ThreadlineTestApi, threadId: string): Promise<EditorThreadPanel> {
  await api.view.showThread(threadId);
  assert.equal(await vscode.commands.executeCommand<string>('threadline.openThreadInEditor'), threadId);
  const tab = api.editorPanels().find((p) => p.currentThreadId === threadId);
  if (!tab) throw new Error(`no editor tab shows ${threadId}`);
  await tab.waitForRender((r) => r.threadId === threadId, 20_000);
  return tab;
}

/** Polls `check` until it holds (for what the workbench updates on its own time, like tab labels). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the next document opened from a Threadline temp download named `name`. */
export function downloadedDocument(name: string): Promise<vscode.TextDocument> {
  return new Promise((resolve) => {
    const sub = vscode.workspace.onDidOpenTextDocument((doc) => {
      if (path.basename(doc.uri.fsPath) === name && doc.uri.fsPath.includes('threadline-')) {
        sub.dispose();
        resolve(doc);
      }
    });
  });
}
