// The whole state a panel's webview draws itself from (the answer to `ready`, and to anything that
// changes more than one part): the thread and its newest page, the reply arriving now, the next
// message's chips and limits, the queue, the list and its filters.
import * as vscode from 'vscode';
import type { QueuedSend } from '../../core/chat/chatEvents';
import type { Message, ThreadMeta } from '../../core/model';
import type { QueuedMessage, Surface, ViewState } from '../../shared/protocol';
import { readSettings } from '../connection/settings';
import { currentWorkspaceFolder } from '../workspace';
import type { PanelServices } from './panelServices';
import type { ShownSource } from './sourceMarks';
import { checkSources, markSources, sourcesOf } from './sourceMarks';

/** Messages a panel opens a thread with: the newest ones; older pages follow as it scrolls up. */
const OPENING_PAGE = 200;

/** The state of a panel showing `currentThreadId`, and the attachment sources it shows. */
export async function buildState(services: PanelServices, currentThreadId: string | undefined, surface: Surface, threads: ThreadMeta[]): Promise<{ state: ViewState; sources: Map<string, ShownSource> }> {
  const { chat, apiKey, nextMessage, threadList } = services;
  const settings = readSettings();
  const needsApiKey = settings.provider.keyRequired && !(await apiKey.has());
  const { messages, hasOlder, sources } = currentThreadId ? await shownMessages(services, currentThreadId) : { messages: [], hasOlder: false, sources: new Map<string, ShownSource>() };
  // Read after the last await: a reply stored while the messages were read is final and must
  // not also be shown as still streaming (the panel would keep a stale streaming copy of it).
  const streaming = currentThreadId ? chat.replyInProgress(currentThreadId) : undefined;
  const state: ViewState = {
    needsApiKey,
    provider: settings.provider.label,
    baseUrl: settings.baseUrl,
    model: settings.model,
    threads,
    currentThreadId,
    messages,
    hasOlder,
    streaming: streaming && !messages.some((m) => m.id === streaming.messageId) ? streaming : undefined,
    pending: nextMessage.pending(currentThreadId),
    runLimits: nextMessage.runLimits(currentThreadId),
    queued: currentThreadId ? queuedView(chat.queued(currentThreadId)) : [],
    surface,
    listFilter: threadList.filter,
    workspaceFolder: currentWorkspaceFolder(),
    l10nBundle: vscode.l10n.bundle,
    reportRenders: services.reportRenders,
  };
  return { state, sources };
}

/** Queued messages as the panel shows them. */
export function queuedView(queued: readonly QueuedSend[]): QueuedMessage[] {
  return queued.map((q) => ({ id: q.id, text: q.text, attachments: q.attachments.map((a) => a.name) }));
}

/**
 * The thread's newest page (never the whole thread: it may hold 100,000 messages), file
 * attachments whose source changed or is gone marked. Checking the sources awaits, and a message
 * stored meanwhile would be missing from the state (its own event went to the panel before the
 * state): so the page is read again until none came in.
 */
async function shownMessages(services: PanelServices, threadId: string): Promise<{ messages: Message[]; hasOlder: boolean; sources: Map<string, ShownSource> }> {
  const { store, sources: attachmentSources } = services;
  const stamp = () => {
    const t = store.get(threadId);
    return t ? `${t.messageCount} ${t.updatedAt}` : '';
  };
  for (let attempt = 1; ; attempt++) {
    const before = stamp();
    const { messages, hasOlder } = await store.page(threadId, { limit: OPENING_PAGE });
    const sources = sourcesOf(messages);
    if (sources.size === 0) return { messages, hasOlder, sources };
    await checkSources(sources, attachmentSources.checker);
    if (stamp() === before || attempt === 3) return { messages: markSources(messages, sources), hasOlder, sources };
  }
}
