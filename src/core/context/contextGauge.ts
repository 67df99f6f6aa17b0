// How full a thread's context is: the tokens the next run will send against the model's window
// and the limits in force, and which earlier messages that run will leave out. It predicts with
// the dialect's own selection (backends/contextSelection.ts), so what the gauge says is left out
// is what the send leaves out, and it reads the thread newest first only until the budget is
// passed: a 100,000-message thread costs what fits, not its length.
//
// Tokens are the local o200k_base estimate (tokens.ts), loaded on the first count, never at
// activation. Where the server keeps the history (Responses without client-side limits,
// Assistants) the server decides what goes; the gauge says so instead of inventing a count.
import type { HistorySource } from '../backends/backend';
import { chatSelectionPlan } from '../backends/chat/context';
import { selectWithin } from '../backends/contextSelection';
import type { SelectionPlan } from '../backends/contextSelection';
import { OMITTED_IDS_LISTED } from '../backends/history';
import { needsClientContext, responsesSelectionPlan } from '../backends/responses/context';
import type { BackendKind, ContextLimits, Message, ThreadMeta } from '../model';
import { contextWindowFor, LARGEST_KNOWN_WINDOW } from './modelWindows';
import { PromptTooLargeError } from './promptTooLarge';
import type { OlderPage } from '../storage/threadPages';

/** Left-out messages are named for the transcript only among this many newest messages. */
export const NEWEST_MARKED = 200;

/** Who decides what the server-side history loses: its truncation setting. */
export type ServerTruncation = { truncation: 'auto' | 'disabled' } | { truncation: 'last_messages'; lastMessages: number };

/** What the gauge shows for one thread (plain data: it is posted to the webview as is). */
export interface ContextGauge {
  threadId: string;
  backend: BackendKind;
  model: string;
  /**
   * Prompt tokens the next run sends before the new message's own words: the history it keeps
   * plus framing, by the local o200k_base estimate.
   */
  tokens: number;
  /** Counting stopped past the budget or window (or the largest window known): the history holds more. */
  tokensOver?: boolean;
  /** The model's window (absent: unknown), from `threadline.contextWindow` or the table of known models. */
  window?: number;
  windowSource?: 'setting' | 'model';
  /** The most the prompt may hold: the least of the window less max completion tokens, max prompt tokens, and the budget the client enforces. */
  budget?: number;
  /** Earlier messages the next run leaves out to fit the limits (client-side trimming only). */
  leftOut: number;
  /** `leftOut` includes messages too old to read for it (a long thread): about that many. */
  leftOutApproximate?: boolean;
  /** Ids of the left-out messages among the newest NEWEST_MARKED, for the transcript to dim. */
  leftOutIds: string[];
  /** The limits the next run uses: the thread's, overridden field by field by the next message's own. */
  limits?: ContextLimits;
  /** The next message's own limits, when set. */
  runLimits?: ContextLimits;
  /** Set when the server keeps the history and decides what goes (Responses without client-side limits, Assistants). */
  server?: ServerTruncation;
}

export interface GaugeRequest {
  thread: ThreadMeta;
  /** Limits set for the next message only. */
  runLimits?: ContextLimits;
  model: string;
  /** `threadline.contextWindow`; 0 or absent: not set. */
  contextWindowSetting?: number;
  /** Every message of the thread, read newest first only as far as the gauge needs. */
  history: HistorySource;
  signal?: AbortSignal;
}

/** The limits a run uses: the thread's, overridden field by field by the run's (as ChatService does). */
export function limitsInForce(thread: ContextLimits | undefined, run: ContextLimits | undefined): ContextLimits | undefined {
  const merged = { ...thread, ...run };
  return Object.keys(merged).length ? merged : undefined;
}

export async function computeContextGauge(request: GaugeRequest): Promise<ContextGauge> {
  const { thread, model } = request;
  const limits = limitsInForce(thread.limits, request.runLimits);
  const window = contextWindowFor(model, request.contextWindowSetting);
  // The next message is not written yet: an empty one stands in (its framing still counts).
  const next: Message = { id: 'next', threadId: thread.id, role: 'user', content: [], createdAt: 0, status: 'complete' };
  const { plan, server } = planFor(thread.backend, next, limits, request.contextWindowSetting);
  const budget = smallest([plan.budget?.tokens, limits?.maxPromptTokens, window && Math.max(0, window.tokens - (limits?.maxCompletionTokens ?? 0))]);

  const gauge: ContextGauge = { threadId: thread.id, backend: thread.backend, model, tokens: 0, leftOut: 0, leftOutIds: [] };
  if (window) {
    gauge.window = window.tokens;
    gauge.windowSource = window.source;
  }
  if (budget !== undefined) gauge.budget = budget;
  if (limits) gauge.limits = limits;
  if (request.runLimits && Object.keys(request.runLimits).length) gauge.runLimits = request.runLimits;
  if (server) gauge.server = server;

  const reading = tracked(request.history, request.signal);
  let selection;
  try {
    selection = await selectWithin(reading.source, plan, { countUpTo: budget ?? window?.tokens ?? LARGEST_KNOWN_WINDOW });
  } catch (err) {
    // Only a budget smaller than an empty message's framing gets here: nothing can be sent.
    if (!(err instanceof PromptTooLargeError)) throw err;
    return { ...gauge, tokens: err.tokens, tokensOver: true, leftOut: thread.messageCount, leftOutApproximate: thread.messageCount > 0 };
  }
  gauge.tokens = selection.tokens ?? 0;
  if (selection.countStopped) gauge.tokensOver = true;
  if (server) return gauge;

  if (selection.countStopped) {
    // Over the window with nothing that trims by tokens: only `last_messages` still drops any.
    if (Number.isFinite(plan.keepOlder) && thread.messageCount > plan.keepOlder) {
      gauge.leftOut = thread.messageCount - plan.keepOlder;
      gauge.leftOutApproximate = true;
    }
    return gauge;
  }
  const listed = selection.omittedMessageIds;
  if (listed.length < OMITTED_IDS_LISTED) {
    gauge.leftOut = listed.length;
  } else {
    // The names stop at OMITTED_IDS_LISTED; every message older than those read is left out too.
    const unread = Math.max(0, thread.messageCount - reading.count());
    gauge.leftOut = listed.length + unread;
    if (unread > 0) gauge.leftOutApproximate = true;
  }
  gauge.leftOutIds = listed.filter((id) => reading.newest.has(id));
  return gauge;
}

/** The dialect's own selection for the next run, or (where the server keeps the history) a plain count. */
function planFor(backend: BackendKind, next: Message, limits: ContextLimits | undefined, contextWindowSetting: number | undefined): { plan: SelectionPlan<unknown>; server?: ServerTruncation } {
  switch (backend) {
    case 'chat':
      // The dialect enforces `auto` only within a window set in the settings (see host/backends.ts).
      return { plan: chatSelectionPlan(next, limits, contextWindowSetting || undefined, { count: true }).plan };
    case 'responses':
      if (needsClientContext(limits)) return { plan: responsesSelectionPlan(next, limits, 'local') };
      return { plan: responsesSelectionPlan(next, undefined, 'local'), server: { truncation: limits?.truncation?.type === 'auto' ? 'auto' : 'disabled' } };
    case 'assistants': {
      // Assistants applies every limit on the server; `auto` is its default truncation.
      const truncation = limits?.truncation;
      if (truncation?.type === 'last_messages') {
        return { plan: responsesSelectionPlan(next, { truncation }, 'local'), server: { truncation: 'last_messages', lastMessages: truncation.lastMessages } };
      }
      return { plan: responsesSelectionPlan(next, undefined, 'local'), server: { truncation: 'auto' } };
    }
  }
}

function smallest(values: ReadonlyArray<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

/** `history`, counting the messages read, remembering the newest ids, and stopping when aborted. */
function tracked(history: HistorySource, signal: AbortSignal | undefined): { source: HistorySource; count(): number; newest: Set<string> } {
  let read = 0;
  const newest = new Set<string>();
  return {
    source: {
      async *newestFirst() {
        for await (const message of history.newestFirst()) {
          signal?.throwIfAborted();
          read++;
          if (newest.size < NEWEST_MARKED) newest.add(message.id);
          yield message;
        }
      },
      all: () => history.all(),
    },
    count: () => read,
    newest,
  };
}

/** What the gauge needs of the store: its pages (ThreadStore.page). */
export interface ThreadPages {
  page(threadId: string, options: { before?: string; limit: number }): Promise<OlderPage>;
}

/**
 * First page read for the gauge; each next one doubles, up to the last. Pages stay small enough
 * that counting one (synchronous work) never holds the extension host for long.
 */
const FIRST_PAGE = 32;
const LARGEST_PAGE = 256;

/**
 * A whole thread as a history, newest first, read a page at a time as iterated (the store's
 * pages start where the last one ended), so a reader that stops early reads little.
 */
export function threadHistory(store: ThreadPages, threadId: string): HistorySource {
  async function* newestFirst(): AsyncGenerator<Message> {
    let before: string | undefined;
    for (let limit = FIRST_PAGE; ; limit = Math.min(LARGEST_PAGE, limit * 2)) {
      const page = await store.page(threadId, before === undefined ? { limit } : { before, limit });
      for (let i = page.messages.length - 1; i >= 0; i--) yield page.messages[i] as Message;
      const oldest = page.messages[0];
      if (!page.hasOlder || !oldest) return;
      before = oldest.id;
    }
  }
  return {
    newestFirst,
    all: async () => {
      const messages: Message[] = [];
      for await (const message of newestFirst()) messages.push(message);
      return messages.reverse();
    },
  };
}
