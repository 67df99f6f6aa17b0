// What a command needs of the panel it acts on (the side panel, or a Threadline editor tab): the
// panel implements it, and commands depend on this alone.
import type * as vscode from 'vscode';
import type { ContextLimits, ThreadMeta } from '../../core/model';
import type { PanelServices } from '../panel/panelServices';
import type { Session } from '../panel/sessions';

export interface PanelTarget extends Session {
  readonly services: PanelServices;
  /** Every thread, archived and other workspaces' included, and those known only from other machines. */
  allThreads(): ThreadMeta[];
  newThread(): Promise<void>;
  /** The open thread, created first when there is none (in the folder of `about`). */
  ensureThread(about?: vscode.Uri): Promise<string>;
  showThread(threadId: string): Promise<void>;
  showHit(threadId: string, messageId: string | undefined): Promise<void>;
  reveal(focus?: boolean): void;
  focusComposer(): void;
  insertDraft(text: string): Promise<void>;
  submitDraft(): void;
  stop(): boolean;
  attach(kind: 'file' | 'image', uri: vscode.Uri): Promise<boolean>;
  setRunLimits(limits: ContextLimits | undefined): Promise<void>;
}
