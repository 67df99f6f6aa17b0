// The Threadline webviews open now — the side panel and each editor tab — and which of them a
// command acts on: the one with the keyboard focus (a keybinding), else the Threadline editor tab
// the user is in, else the side panel. Keeps the `when` clauses' context keys in step with that
// target and with whether its thread has a send in progress.
import * as vscode from 'vscode';
import type { ChatEvents } from '../../core/chat/chatEvents';
import type { ThreadActivity } from '../../core/chat/threadActivity';
import { ContextKeys } from '../contextKeys';

/** What the registry needs of a session. */
export interface Session {
  readonly currentThreadId: string | undefined;
  /** True while this is an editor tab the user is in. */
  readonly isActiveEditor: boolean;
  /** Re-sends the whole state to its webview. */
  refresh(): Promise<void>;
}

export class Sessions<S extends Session> implements vscode.Disposable {
  private readonly sessions = new Set<S>();
  private sidePanel: S | undefined;
  /** The webview with the keyboard focus, as it last said. */
  private focused: S | undefined;
  private readonly keys = new ContextKeys((key, value) => void vscode.commands.executeCommand('setContext', key, value));
  private readonly subscription: vscode.Disposable;

  constructor(private readonly activity: Pick<ThreadActivity, 'isSending'>, events: ChatEvents) {
    // A send starting or ending changes whether Stop applies.
    this.subscription = events.onEvent((e) => e.type !== 'streamDelta' && this.targetChanged());
  }

  /** Adds a webview's session; disposing the result removes it. */
  add(session: S, options: { sidePanel?: boolean } = {}): vscode.Disposable {
    this.sessions.add(session);
    if (options.sidePanel) this.sidePanel = session;
    return {
      dispose: () => {
        this.sessions.delete(session);
        if (this.focused === session) this.focused = undefined;
        this.targetChanged();
      },
    };
  }

  all(): S[] {
    return [...this.sessions];
  }

  /** Sessions showing `threadId` now. */
  showing(threadId: string): S[] {
    return this.all().filter((s) => s.currentThreadId === threadId);
  }

  /** The session a command acts on (see the top of this file). */
  target(): S {
    const target = this.targetOrNone();
    if (!target) throw new Error('Threadline: the side panel is not set up.');
    return target;
  }

  /** A webview's page gained or lost the keyboard focus. */
  setFocused(session: S, focused: boolean): void {
    if (focused) this.focused = session;
    else if (this.focused === session) this.focused = undefined;
    this.targetChanged();
  }

  /** The target's thread, or whether it has a send, may have changed: the context keys follow. */
  targetChanged(): void {
    const threadId = this.targetOrNone()?.currentThreadId;
    this.keys.update({
      'threadline.hasThread': threadId !== undefined,
      'threadline.streaming': threadId !== undefined && this.activity.isSending(threadId),
      'threadline.panelFocused': this.focused !== undefined,
    });
  }

  /** Re-sends the whole state to every webview (after a key or setting change). */
  async refreshAll(): Promise<void> {
    await Promise.all(this.all().map((s) => s.refresh()));
  }

  /** Re-sends the state to the webviews showing `threadId`. */
  async refreshThread(threadId: string): Promise<void> {
    await Promise.all(this.showing(threadId).map((s) => s.refresh()));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private targetOrNone(): S | undefined {
    return this.focused ?? this.all().find((s) => s.isActiveEditor) ?? this.sidePanel;
  }
}
