// The one set of rules for which history a request carries when the client trims the context
// (Chat Completions always, Responses under limits it cannot enforce), shared by those dialects
// and by the context gauge, which must predict exactly what the next send leaves out.
//
// The rules: messages with nothing to resend are neither sent nor reported; `last_messages: N`
// keeps at most N − 1 older messages beside the new one; under a prompt budget the newest
// messages that fit are kept, stopping at the first that does not, so what is kept is always an
// unbroken run up to the present. History is read newest first and only as far as needed.
import type { HistorySource } from './backend';
import type { ContextLimits, Message } from '../model';
import { PromptTooLargeError } from '../context/promptTooLarge';
import type { PromptBudget } from '../context/tokens';
import { historyItems, omittedIds } from './history';
import type { HistoryEntry } from './history';

/** Costs that add up (local estimates): what is sent regardless, plus each kept item's own. */
export interface AddedCost<T> {
  kind: 'added';
  required: number;
  costOf(item: T): number;
}

/**
 * A count of the whole prompt with some history kept (oldest first), which need not add up
 * (a server's count): fitted by counting a window that doubles while it fits, then a binary
 * search inside the last window, so a long thread costs about twice what fits.
 */
export interface WholeCount<T> {
  kind: 'whole';
  count(keptOldestFirst: readonly T[]): Promise<number>;
}

/** How one dialect selects: its items, its limits, and how it counts. */
export interface SelectionPlan<T> {
  /** The message as the dialect resends it; undefined: nothing to resend (skipped, not left out). */
  toItem(message: Message): T | undefined;
  /** Older messages kept at most (see keepOlderFor); Infinity when no `last_messages` applies. */
  keepOlder: number;
  /** The prompt budget enforced, if any; needs `cost`. */
  budget?: PromptBudget;
  /** The model's window, to explain a `contextWindow` budget the new message alone exceeds. */
  contextWindow?: number;
  /** How prompts are counted; without it (and a budget) nothing is counted. */
  cost?: AddedCost<T> | WholeCount<T>;
}

export interface SelectOptions {
  /**
   * With an added cost and no budget: stop reading (and counting) once the count passes this.
   * The gauge uses it to size a thread nothing trims without reading all of it.
   */
  countUpTo?: number;
}

export interface Selection<T> {
  /** The history to send, oldest first. */
  kept: T[];
  /** Local ids of history messages left out, oldest first (at most OMITTED_IDS_LISTED: the newest of them). */
  omittedMessageIds: string[];
  /** With an added cost: the prompt tokens of what is kept, the required part included. */
  tokens?: number;
  /** Counting stopped at `countUpTo`: `kept` is partial and `tokens` only a lower bound. */
  countStopped?: boolean;
}

/** `last_messages: N` counts the new message too (as Assistants does), so N − 1 older ones stay. */
export function keepOlderFor(limits: ContextLimits | undefined): number {
  return limits?.truncation?.type === 'last_messages' ? Math.max(0, limits.truncation.lastMessages - 1) : Infinity;
}

/** History messages counted first under a whole-prompt budget; the window doubles while it fits. */
const FIRST_WINDOW = 32;

export async function selectWithin<T>(history: HistorySource, plan: SelectionPlan<T>, options: SelectOptions = {}): Promise<Selection<T>> {
  const { budget, cost } = plan;
  if (budget && !cost) throw new Error('A prompt budget needs a way to count.');
  if (budget && cost?.kind === 'added' && cost.required > budget.tokens) throw new PromptTooLargeError(cost.required, budget, plan.contextWindow);
  const entries = historyItems(history, plan.toItem);
  try {
    if (cost?.kind === 'whole' && budget) return await selectByCount(entries, plan.keepOlder, budget, cost);
    return await selectAdding(entries, plan, options);
  } finally {
    // Stops the read (and closes the thread file) however the selection ended.
    await entries.return(undefined);
  }
}

/** Newest first, one message at a time: each is kept until the first that does not fit. */
async function selectAdding<T>(entries: AsyncGenerator<HistoryEntry<T>>, plan: SelectionPlan<T>, options: SelectOptions): Promise<Selection<T>> {
  const cost = plan.cost?.kind === 'added' ? plan.cost : undefined;
  const limit = plan.budget?.tokens;
  const stopAt = limit === undefined ? options.countUpTo : undefined;
  let tokens = cost?.required ?? 0;
  const kept: T[] = [];
  const dropped: HistoryEntry<T>[] = [];
  for (let next = await entries.next(); !next.done; next = await entries.next()) {
    if (kept.length >= plan.keepOlder) {
      dropped.push(next.value);
      break;
    }
    const itemCost = cost ? cost.costOf(next.value.item) : 0;
    if (limit !== undefined && tokens + itemCost > limit) {
      dropped.push(next.value);
      break;
    }
    tokens += itemCost;
    kept.push(next.value.item);
    if (stopAt !== undefined && tokens > stopAt) return { kept: kept.reverse(), omittedMessageIds: [], tokens, countStopped: true };
  }
  const omittedMessageIds = await omittedIds(dropped, entries);
  return { kept: kept.reverse(), omittedMessageIds, ...(cost ? { tokens } : {}) };
}

/** Under a whole-prompt count: doubling windows, then a binary search in the last one. */
async function selectByCount<T>(entries: AsyncGenerator<HistoryEntry<T>>, keepOlder: number, budget: PromptBudget, cost: WholeCount<T>): Promise<Selection<T>> {
  const limit = budget.tokens;
  /** Read so far and not dropped by `last_messages`, newest first. */
  const candidates: HistoryEntry<T>[] = [];
  const dropped: HistoryEntry<T>[] = [];
  let exhausted = false;
  /** Reads candidates up to `size`; past `keepOlder` the first extra is dropped and reading stops. */
  const fill = async (size: number) => {
    while (!exhausted && candidates.length < size) {
      const next = await entries.next();
      if (next.done) exhausted = true;
      else if (candidates.length < keepOlder) candidates.push(next.value);
      else {
        dropped.push(next.value);
        exhausted = true;
      }
    }
  };
  const oldestFirst = (n: number) => candidates.slice(0, n).reverse().map((entry) => entry.item);

  /** How many of the newest candidates fit, reading only about twice as many. */
  const mostThatFit = async (): Promise<number> => {
    // `fits` are known to fit (none before the first count, which tries all there are when the
    // history is short); `window` is the next size tried.
    let fits = 0;
    let counted = false;
    for (let window = FIRST_WINDOW; ; window *= 2) {
      await fill(window);
      const size = candidates.length;
      if (counted && size === fits) return fits;
      counted = true;
      if ((await cost.count(oldestFirst(size))) <= limit) {
        fits = size;
        if (exhausted) return fits;
        continue;
      }
      if (fits === 0) {
        const alone = await cost.count([]);
        if (alone > limit) throw new PromptTooLargeError(alone, budget);
      }
      // Binary search for the most history that fits: it holds with `lo` kept, fails with `hi`.
      let lo = fits;
      let hi = size;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await cost.count(oldestFirst(mid))) <= limit) lo = mid;
        else hi = mid;
      }
      return lo;
    }
  };

  const kept = await mostThatFit();
  const omittedMessageIds = await omittedIds([...candidates.slice(kept), ...dropped], entries);
  return { kept: oldestFirst(kept), omittedMessageIds };
}
