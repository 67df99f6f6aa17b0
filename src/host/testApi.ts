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
   * Answers Threadline's questions in place of the user: those given, on top of the answers
   * already in place (the window's for the rest). Disposing puts back the answers before;
   * undefined puts back the window's own for all.
   */
  answerPrompts(answers: Partial<Prompts> | undefined): vscode.Disposable;
  /** Sends the backends' requests through `fetch` (e.g. api.openai.com to the stand-in); undefined restores the global one. */
  routeRequests(fetch: typeof globalThis.fetch | undefined): void;
}
