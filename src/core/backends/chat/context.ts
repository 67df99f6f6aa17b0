// Which messages a Chat Completions request carries. The server keeps no thread, so context
// limits are enforced here: `last_messages` keeps the newest N, a prompt budget (maxPromptTokens,
// or `auto` truncation within the context window) drops the oldest history until the estimate
// fits. The new message itself is never dropped.
import type { ContextLimits, Message } from '../../model';
import { PromptTooLargeError } from '../../promptTooLarge';
import { estimateMessageTokens, fitNewest, promptBudget, REPLY_PRIMING_TOKENS } from '../../tokens';
import { toChatMessage } from './messages';
import type { ChatMessage } from './messages';

export interface ChatContext {
  /** Oldest first, ending with the new message. */
  messages: ChatMessage[];
  /** Local ids of history messages left out to fit the limits, oldest first. */
  omittedMessageIds: string[];
}

export function selectContext(history: readonly Message[], input: Message, limits: ContextLimits | undefined, contextWindow: number | undefined): ChatContext {
  const newMessage = toChatMessage(input, true);
  if (newMessage?.role !== 'user') throw new Error('Only a user message can be sent for a reply.');
  let older = history.flatMap((message) => {
    const chat = toChatMessage(message, false);
    return chat ? [{ id: message.id, chat }] : [];
  });
  const omitted: string[] = [];
  const drop = (count: number) => {
    omitted.push(...older.slice(0, count).map((entry) => entry.id));
    older = older.slice(count);
  };

  if (limits?.truncation?.type === 'last_messages') {
    // N counts the new message too; it is always sent, so at least it goes.
    const keepOlder = Math.max(0, limits.truncation.lastMessages - 1);
    drop(Math.max(0, older.length - keepOlder));
  }

  const budget = promptBudget(limits, contextWindow);
  if (budget) {
    const required = estimateMessageTokens(newMessage.content) + REPLY_PRIMING_TOKENS;
    if (required > budget.tokens) throw new PromptTooLargeError(required, budget, contextWindow);
    const { dropped } = fitNewest(older, required, budget.tokens, (entry) => estimateMessageTokens(entry.chat.content));
    drop(dropped.length);
  }

  return { messages: [...older.map((entry) => entry.chat), newMessage], omittedMessageIds: omitted };
}
