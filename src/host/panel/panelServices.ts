// What a panel (the side panel or an editor tab) works with: narrow services it calls and
// subscribes to. None of them calls back into a panel.
import type * as vscode from 'vscode';
import type { ChatEvents } from '../../core/chat/chatEvents';
import type { ChatService } from '../../core/chat/chatService';
import type { ThreadActions } from '../../core/chat/threadActions';
import type { ThreadStore } from '../../core/library/threadStore';
import type { Attachments } from '../chat/attachments';
import type { NextMessage } from '../chat/nextMessage';
import type { RetiredDialect } from '../chat/retiredDialect';
import type { ApiKeyStore } from '../connection/apiKey';
import type { ThreadList } from '../library/threadList';
import type { Prompts } from '../prompts';
import type { AttachmentSources } from './attachmentSources';
import type { ImageCache } from './imageCache';
import type { HostTrace } from '../sendTraceFile';
import type { Session, Sessions } from './sessions';

export interface PanelServices {
  extensionUri: vscode.Uri;
  store: ThreadStore;
  /** Sends and their replies (the reply in progress is read from here). */
  chat: ChatService;
  /** Changes to threads as a whole. */
  threads: ThreadActions;
  events: ChatEvents;
  apiKey: ApiKeyStore;
  nextMessage: NextMessage;
  attachments: Attachments;
  sessions: Pick<Sessions<Session>, 'add' | 'setFocused' | 'targetChanged' | 'refreshAll' | 'refreshThread'>;
  threadList: ThreadList;
  sources: AttachmentSources;
  images: ImageCache;
  retired: Pick<RetiredDialect, 'offerSwitch'>;
  /** How questions, progress and web links reach the user (the window's, or a test's answers). */
  prompts: () => Prompts;
  /** The panels report what they show (test runs only: see shared/testChannel.ts). */
  reportRenders: boolean;
  /** The benchmark's record of a send's steps (see sendTraceFile.ts); undefined outside it. */
  trace?: HostTrace;
}
