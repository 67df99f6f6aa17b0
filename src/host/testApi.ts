import type * as vscode from 'vscode';
import type { ThreadStore } from '../core/library/threadStore';
import type { Prompts } from './prompts';
import type { ChatViewProvider } from './panel/chatViewProvider';
import type { EditorThreadPanel } from './panel/editorPanels';
import type { RoamingSync } from './library/roamingSync';

/** What `activate` returns in test mode (ExtensionMode.Test) only, for the integration suite. */
export interface ThreadlineTestApi {
  store: ThreadStore;
  /** The side panel. */
  view: ChatViewProvider;
  /** The threads open in editor tabs, oldest first. */
  editorPanels(): EditorThreadPanel[];
  storageDir: string;
  /** The roaming part of the library (Settings Sync). */
  roaming: RoamingSync;
  /** Where the key must never land besides files and settings (see the SecretStorage test). */
  globalState: vscode.Memento;
  workspaceState: vscode.Memento;
  /** This extension's log folder (context.logUri). */
  logDir: string;
  /**
   * Web links a reference asked to open, oldest first. In test mode they are recorded here
   * instead of going to `vscode.env.openExternal`, which would need a real browser.
   */
  openedLinks: readonly string[];
  /** Presses Cancel on every Threadline progress notification showing now (uploads). */
  cancelProgress(): void;
  /** Answers Threadline's questions (those given) in place of the user; undefined restores the window's. */
  answerPrompts(prompts: Partial<Prompts> | undefined): void;
  /** Sends the backends' requests through `fetch` (e.g. api.openai.com to the stand-in); undefined restores the global one. */
  routeRequests(fetch: typeof globalThis.fetch | undefined): void;
}
