// What the palette's commands work with.
import type * as vscode from 'vscode';
import type { ChatService } from '../../core/chat/chatService';
import type { ThreadActions } from '../../core/chat/threadActions';
import type { ThreadStore } from '../../core/library/threadStore';
import type { ApiKeyStore } from '../connection/apiKey';
import type { EditorPanels } from '../panel/editorPanels';
import type { Sessions } from '../panel/sessions';
import type { Prompts } from '../prompts';
import type { PanelTarget } from './panelTarget';

export interface CommandDeps {
  store: ThreadStore;
  chat: ChatService;
  threads: ThreadActions;
  apiKey: ApiKeyStore;
  /** The panels; a command about "the open thread" acts on `sessions.target()`. */
  sessions: Pick<Sessions<PanelTarget>, 'target' | 'refreshAll' | 'refreshThread'>;
  /** The side panel. */
  view: PanelTarget;
  editors: EditorPanels;
  /** How questions, progress and web links reach the user (the window's, or a test's answers). */
  prompts: () => Prompts;
  output: vscode.LogOutputChannel;
}
