// Which messages a Chat Completions request carries. The server keeps no thread, so context
// limits are enforced here: `last_messages` keeps the newest N, a prompt budget (maxPromptTokens,
// or `auto` truncation within the context window) drops the oldest history until the estimate
// fits. The new message itself is never dropped. History is read newest first and only until
// the context is full, so a long thread costs what is sent, not its length.
import type { HistorySource } from '../../backend';
import type { ContextLimits, Message } from '../../model';
import { PromptTooLargeError } from '../../promptTooLarge';
import { estimateMessageTokens, promptBudget, REPLY_PRIMING_TOKENS } from '../../tokens';
import { historyItems, omittedIds } from '../history';
import type { HistoryEntry } from '../history';
import { toChatMessage } from './messages';
import type { ChatMessage } from './messages';

export interface ChatContext {
  /** Oldest first, ending with the new message. */
  messages: ChatMessage[];
  /** Local ids of history messages left out to fit the limits, oldest first (at most OMITTED_IDS_LISTED). */
  omittedMessageIds: string[];
}

export async function selectContext(history: HistorySource, input: Message, limits: ContextLimits | undefined, contextWindow: number | undefined): Promise<ChatContext> {
  const newMessage = toChatMessage(input, true);
  if (newMessage?.role !== 'user') throw new Error('Only a user message can be sent for a reply.');
  // `last_messages: N` counts the new message too; it is always sent, so at least it goes.
  const keepOlder = limits?.truncation?.type === 'last_messages' ? Math.max(0, limits.truncation.lastMessages - 1) : Infinity;
  const budget = promptBudget(limits, contextWindow);
  // Counted only under a budget: without one the tokenizer need not even load.
  let tokens = budget ? estimateMessageTokens(newMessage.content) + REPLY_PRIMING_TOKENS : 0;
  if (budget && tokens > budget.tokens) throw new PromptTooLargeError(tokens, budget, contextWindow);

  // Newest first, keeping each message until the first that does not fit, so what is kept is
  // always an unbroken run up to the present, never a conversation with holes.
  const entries = historyItems(history, (message) => toChatMessage(message, false));
  try {
    const kept: ChatMessage[] = [];
    const dropped: HistoryEntry<ChatMessage>[] = [];
    for (let next = await entries.next(); !next.done; next = await entries.next()) {
      const cost = budget ? estimateMessageTokens(next.value.item.content) : 0;
      if (kept.length >= keepOlder || (budget && tokens + cost > budget.tokens)) {
        dropped.push(next.value);
        break;
      }
      tokens += cost;
      kept.push(next.value.item);
    }
    const omittedMessageIds = await omittedIds(dropped, entries);
    return { messages: [...kept.reverse(), newMessage], omittedMessageIds };
  } finally {
    // Stops the read (and closes the thread file) however the selection ended.
    await entries.return(undefined);
  }
}
