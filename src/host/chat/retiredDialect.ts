// A server that dropped a thread's dialect (api.openai.com turned Assistants off): when a reply,
// or a new thread's first send, is refused for that, say so and switch the thread to
// Conversations + Responses in one click.
import * as vscode from 'vscode';
import type { ChatEvents } from '../../core/chat/chatEvents';
import type { ThreadActions } from '../../core/chat/threadActions';
import type { Prompts } from '../prompts';

export class RetiredDialect implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    events: ChatEvents,
    private readonly threads: Pick<ThreadActions, 'setBackend'>,
    private readonly prompts: () => Prompts,
    /** Re-sends the state to the panels that show the thread. */
    private readonly refresh: (threadId: string) => Promise<void>,
  ) {
    this.subscription = events.onEvent((e) => {
      if (e.type === 'streamEnd' && e.message.errorKind === 'retired') void this.offerSwitch(e.threadId, e.message.error ?? '');
    });
  }

  async offerSwitch(threadId: string, message: string): Promise<void> {
    const action = vscode.l10n.t('Switch to Conversations + Responses');
    if ((await this.prompts().warn(vscode.l10n.t('Threadline: {0}', message), action)) !== action) return;
    await this.threads.setBackend(threadId, 'responses');
    await this.refresh(threadId);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
