// Which messages a Chat Completions request carries. The server keeps no thread, so context
// limits are enforced here: `last_messages` keeps the newest N, a prompt budget (maxPromptTokens,
// or `auto` truncation within the context window) drops the oldest history until the estimate
// fits. The new message itself is never dropped. History is read newest first and only until
// the context is full, so a long thread costs what is sent, not its length (see contextSelection).
import type { HistorySource } from '../backend';
import type { ContextLimits, Message } from '../../model';
import { estimateMessageTokens, promptBudget, REPLY_PRIMING_TOKENS } from '../../context/tokens';
import { keepOlderFor, selectWithin } from '../contextSelection';
import type { SelectionPlan } from '../contextSelection';
import { toChatMessage } from './messages';
import type { ChatMessage } from './messages';

export interface ChatContext {
  /** Oldest first, ending with the new message. */
  messages: ChatMessage[];
  /** Local ids of history messages left out to fit the limits, oldest first (at most OMITTED_IDS_LISTED). */
  omittedMessageIds: string[];
}

/**
 * How this dialect selects history for `input`. `count`: estimate tokens even without a budget
 * (the context gauge does; a send does not, so the tokenizer need not even load).
 */
export function chatSelectionPlan(input: Message, limits: ContextLimits | undefined, contextWindow: number | undefined, options: { count?: boolean } = {}): { newMessage: ChatMessage; plan: SelectionPlan<ChatMessage> } {
  const newMessage = toChatMessage(input, true);
  if (newMessage?.role !== 'user') throw new Error('Only a user message can be sent for a reply.');
  const budget = promptBudget(limits, contextWindow);
  const plan: SelectionPlan<ChatMessage> = { toItem: (message) => toChatMessage(message, false), keepOlder: keepOlderFor(limits) };
  if (budget) plan.budget = budget;
  if (contextWindow !== undefined) plan.contextWindow = contextWindow;
  if (budget || options.count) {
    plan.cost = { kind: 'added', required: estimateMessageTokens(newMessage.content) + REPLY_PRIMING_TOKENS, costOf: (item) => estimateMessageTokens(item.content) };
  }
  return { newMessage, plan };
}

export async function selectContext(history: HistorySource, input: Message, limits: ContextLimits | undefined, contextWindow: number | undefined): Promise<ChatContext> {
  const { newMessage, plan } = chatSelectionPlan(input, limits, contextWindow);
  const { kept, omittedMessageIds } = await selectWithin(history, plan);
  return { messages: [...kept, newMessage], omittedMessageIds };
}
