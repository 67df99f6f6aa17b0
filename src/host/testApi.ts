import type { ThreadStore } from '../core/threadStore';
import type { ChatViewProvider } from './chatViewProvider';

/** What `activate` returns in test mode (ExtensionMode.Test) only, for the integration suite. */
export interface ThreadlineTestApi {
  store: ThreadStore;
  view: ChatViewProvider;
  storageDir: string;
}
