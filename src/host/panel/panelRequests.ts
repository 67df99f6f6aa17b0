// What a panel's webview asks of the host, answered for that panel: a send (its chips and run
// limits taken with it, and given back with the draft when nothing was stored), the queue,
// Continue, message and code actions, references, bookmarks, find and search, pages of a long
// thread, images by file id, attachments dropped or pasted, and the list's filters. An answer to a
// request echoes its id (see `answer`).
import * as vscode from 'vscode';
import { describeError } from '../../core/backends/errors';
import { SendError, UnqueuedError } from '../../core/chat/chatEvents';
import { findInStoredThread, searchThreads } from '../../core/library/search';
import { messageText } from '../../core/model';
import type { Message } from '../../core/model';
import type { AnswerTo, HostMessage, MessageAction, RequestMessage, RequestType, WebviewMessage } from '../../shared/protocol';
import { assertNever } from '../../shared/protocol';
import type { TakenMessage } from '../chat/nextMessage';
import { runPanelCommand } from '../commands/sessionCommands';
import type { PanelTarget } from '../commands/panelTarget';
import { connectionFor } from '../connection/backends';
import { readSettings } from '../connection/settings';
import { runCodeAction } from './codeActions';
import type { PanelServices } from './panelServices';
import { openReference } from './references';

/** Messages per page when the panel scrolls through a long thread. */
const PAGE_SIZE = 100;
/** Hits the panel's search lists at most (the palette's Quick Pick has its own default). */
const PANEL_SEARCH_LIMIT = 100;

/** What the handlers need of the panel they answer for. */
export interface PanelContext extends PanelTarget {
  readonly services: PanelServices;
  post(message: HostMessage): void;
  /** File attachments of `messages` marked as changed or missing, their sources watched. */
  markAttachments(messages: Message[]): Promise<Message[]>;
  /** Lets the webview fetch the images of `messages` held by file id. */
  offerImages(messages: readonly Message[]): void;
  /** Where the webview loads an image it was offered; undefined when the webview is gone. */
  imageSource(fileId: string): Promise<{ src: string } | { error: string } | undefined>;
  attachDropped(uris: readonly string[]): Promise<void>;
  attachPasted(name: string, base64: string): Promise<void>;
}

type PanelRequest = Exclude<WebviewMessage, { type: 'ready' | 'focus' }>;

/** The panel's search of every thread still running, by panel: a newer query stops it. */
const searches = new WeakMap<PanelContext, AbortController>();

export async function handleWebviewMessage(panel: PanelContext, message: PanelRequest): Promise<void> {
  const { services } = panel;
  switch (message.type) {
    case 'send':
      await send(panel, message.text);
      return;
    case 'stop':
      panel.stop();
      return;
    case 'unqueue': {
      const threadId = panel.currentThreadId;
      if (!threadId) return;
      const entry = services.chat.queued(threadId).find((q) => q.id === message.id);
      // Taken back to edit: the text goes to the composer where Edit was clicked (the panel that
      // queued it may be another, or hidden); its attachments and limits go back in send().
      if (services.chat.unqueue(threadId, message.id, { giveBack: message.edit }) && message.edit && entry) panel.post({ type: 'insertDraft', text: entry.text });
      return;
    }
    case 'switchThread':
      await panel.showThread(message.threadId);
      return;
    case 'command':
      await runPanelCommand(message.command, panel);
      return;
    case 'removeAttachment':
      services.nextMessage.remove(message.id);
      return;
    case 'openReference':
      await openReferenceOf(panel, message.messageId, message.index);
      return;
    case 'continue':
      await continueReply(panel);
      return;
    case 'clearRunLimits':
      await panel.setRunLimits(undefined);
      return;
    case 'toggleBookmark': {
      const threadId = panel.currentThreadId;
      if (threadId) await services.threads.toggleBookmark(threadId, message.messageId).catch((err: unknown) => panel.post({ type: 'problem', message: describeError(err).message }));
      return;
    }
    case 'find': {
      const threadId = panel.currentThreadId;
      const messageIds = threadId ? await findInStoredThread(services.store, threadId, message.query) : [];
      answer(panel, message, { type: 'findResults', messageIds });
      return;
    }
    case 'searchThreads': {
      // Each keystroke's query replaces the last: the one still reading the library stops.
      searches.get(panel)?.abort();
      const search = new AbortController();
      searches.set(panel, search);
      const hits = await searchThreads(services.store, message.query, { limit: PANEL_SEARCH_LIMIT, signal: search.signal });
      if (!search.signal.aborted) answer(panel, message, { type: 'searchResults', hits });
      return;
    }
    case 'openSearchHit':
      if (services.store.get(message.threadId)) await panel.showHit(message.threadId, message.messageId);
      return;
    case 'codeAction':
      await runCodeAction(services.prompts(), message.action, message.code, message.language);
      return;
    case 'messageAction':
      await messageAction(panel, message.action, message.messageId);
      return;
    case 'attachUris':
      await panel.attachDropped(message.uris);
      return;
    case 'attachData':
      await panel.attachPasted(message.name, message.base64);
      return;
    case 'setListFilter':
      await services.threadList.setFilter(message.filter);
      return;
    case 'loadOlder':
    case 'loadNewer':
    case 'revealMessage':
    case 'loadLatest':
      await postPage(panel, message);
      return;
    case 'fetchImage': {
      const source = await panel.imageSource(message.fileId);
      if (source) answer(panel, message, { type: 'imageReady', ...source });
      return;
    }
    default:
      assertNever(message);
  }
}

async function send(panel: PanelContext, text: string): Promise<void> {
  const { services } = panel;
  let threadId = panel.currentThreadId;
  let taken: TakenMessage | undefined;
  try {
    if (readSettings().provider.keyRequired && !(await services.apiKey.has())) {
      throw new SendError(vscode.l10n.t('No API key is set. Run "Threadline: Set API Key" first; your message is still in the composer.'));
    }
    threadId = await panel.ensureThread();
    if (services.nextMessage.isUploading(threadId)) throw new SendError(vscode.l10n.t('An attachment is still uploading; send again when it is ready.'));
    taken = services.nextMessage.take(threadId);
    await services.chat.send(threadId, text, taken.attachments, taken.runLimits);
  } catch (err) {
    // Nothing was stored, so the text, the attachments and the run's limits go back: the user
    // loses nothing. A message taken out of the queue to be dropped gives nothing back; one
    // taken back to edit had its text put in the composer where Edit was clicked.
    if (err instanceof UnqueuedError && !err.giveBack) return;
    if (taken) services.nextMessage.giveBack(taken);
    if (err instanceof UnqueuedError) return;
    const error = err instanceof SendError ? err.message : vscode.l10n.t('Could not send: {0}', describeError(err).message);
    panel.post({ type: 'sendFailed', threadId, error, draft: text });
    // A new thread on a server that dropped its dialect: the draft is back in the composer, so
    // after the switch the user sends it again as it was.
    if (threadId && err instanceof SendError && err.kind === 'retired') await services.retired.offerSwitch(threadId, err.message);
  }
}

/** Continue on the latest, cut-short reply; the composer's attachments and limits stay for the next message. */
async function continueReply(panel: PanelContext): Promise<void> {
  const threadId = panel.currentThreadId;
  if (!threadId) return;
  try {
    await panel.services.chat.continueReply(threadId);
  } catch (err) {
    panel.post({ type: 'problem', message: describeError(err).message });
  }
}

/** One message, read from around its place in the file: never the whole thread. */
async function oneMessage(panel: PanelContext, threadId: string, messageId: string): Promise<Message | undefined> {
  const around = await panel.services.store.pageAround(threadId, messageId, 1).catch(() => undefined);
  return around?.messages.find((m) => m.id === messageId);
}

async function messageAction(panel: PanelContext, action: MessageAction, messageId: string): Promise<void> {
  const { chat, nextMessage } = panel.services;
  const threadId = panel.currentThreadId;
  if (!threadId) return;
  try {
    if (action === 'askAgain') {
      // The limits set for the next run apply to this one (the chips wait for the next message);
      // they come back if it cannot start.
      const runLimits = nextMessage.takeRunLimits(threadId);
      await chat.rerun(threadId, runLimits).catch((err: unknown) => {
        if (runLimits) nextMessage.setRunLimits(threadId, runLimits);
        throw err;
      });
      return;
    }
    const message = await oneMessage(panel, threadId, messageId);
    if (!message) return;
    if (action === 'copy') await runCodeAction(panel.services.prompts(), 'copy', messageText(message), undefined);
    else panel.post({ type: 'insertDraft', text: messageText(message) });
  } catch (err) {
    panel.post({ type: 'problem', message: describeError(err).message });
  }
}

async function openReferenceOf(panel: PanelContext, messageId: string, index: number): Promise<void> {
  const threadId = panel.currentThreadId;
  if (!threadId) return;
  const message = await oneMessage(panel, threadId, messageId);
  if (!message) return;
  try {
    await openReference(message, index, connectionFor(readSettings(), panel.services.apiKey), (uri) => panel.services.prompts().openLink(uri));
  } catch (err) {
    panel.post({ type: 'problem', message: describeError(err).message });
    void panel.services.prompts().error(vscode.l10n.t('Threadline: {0}', describeError(err).message));
  }
}

/** Posts the answer to `request`, with the request's id: the panel matches it, or drops it as stale. */
function answer<K extends RequestType>(panel: PanelContext, request: { type: K; requestId: number }, body: Omit<AnswerTo<K>, 'requestId'>): void {
  panel.post({ ...body, requestId: request.requestId } as AnswerTo<K>);
}

/** Answers the panel's request for another page of the open thread (see `page` in protocol.ts). */
async function postPage(panel: PanelContext, request: RequestMessage<'loadOlder' | 'loadNewer' | 'revealMessage' | 'loadLatest'>): Promise<void> {
  const threadId = panel.currentThreadId;
  if (!threadId) return;
  const { store } = panel.services;
  try {
    let page: { messages: Message[]; hasOlder: boolean; hasNewer: boolean };
    switch (request.type) {
      case 'loadOlder':
        page = { ...(await store.page(threadId, { before: request.beforeId, limit: PAGE_SIZE })), hasNewer: true };
        break;
      case 'loadNewer':
        page = { ...(await store.pageAfter(threadId, { after: request.afterId, limit: PAGE_SIZE })), hasOlder: true };
        break;
      case 'revealMessage':
        page = await store.pageAround(threadId, request.messageId, PAGE_SIZE);
        break;
      case 'loadLatest':
        page = { ...(await store.page(threadId, { limit: PAGE_SIZE })), hasNewer: false };
        break;
    }
    // The thread may have changed while the page was read: a page of another thread is dropped.
    if (panel.currentThreadId === threadId) {
      panel.offerImages(page.messages);
      answer(panel, request, { type: 'page', threadId, messages: await panel.markAttachments(page.messages), hasOlder: page.hasOlder, hasNewer: page.hasNewer });
    }
  } catch (err) {
    // A message id the thread no longer has (deleted, or a stale panel): nothing to page to.
    console.error('Threadline: could not read a page of the thread', err);
  }
}
