import type { ThreadStore } from '../core/threadStore';
import type { Prompts } from './prompts';
import type { ChatViewProvider } from './chatViewProvider';
import type { EditorThreadPanel } from './editorPanels';

/** What `activate` returns in test mode (ExtensionMode.Test) only, for the integration suite. */
export interface ThreadlineTestApi {
  store: ThreadStore;
  /** The side panel. */
  view: ChatViewProvider;
  /** The threads open in editor tabs, oldest first. */
  editorPanels(): EditorThreadPanel[];
  storageDir: string;
  /** Answers Threadline's questions (those given) in place of the user; undefined restores the window's. */
  answerPrompts(prompts: Partial<Prompts> | undefined): void;
  /** Sends the backends' requests through `fetch` (e.g. api.openai.com to the stand-in); undefined restores the global one. */
  routeRequests(fetch: typeof globalThis.fetch | undefined): void;
}
