// Every message between the extension host and the webview, as discriminated unions whose types
// are listed in `as const` arrays (the compiler keeps each list and its union the same). Both sides
// switch over `type` exhaustively (see `assertNever`); the host checks every field of what the
// webview sends (`isWebviewMessage`). Requests that expect an answer carry a `requestId`, which the
// answer echoes (see REQUEST_ANSWERS). Test-only messages are not here: see testChannel.ts. This
// file imports core types only.
import type { ContextGauge } from '../core/context/contextGauge';
import type { ContextLimits, Message, ThreadMeta } from '../core/model';
import type { SearchHit } from '../core/library/search';
import type { Holds, Schema, SameTypes } from './messageGuard';
import { arrayOf, isBoolean, isIndex, isRecord, isRequestId, isString, messageGuard, oneOf, optional, shape } from './messageGuard';

/** How full the next run's context is, and what it leaves out (see core/contextGauge.ts). */
export type ContextGaugeView = ContextGauge;

/** What the panel needs to draw itself from scratch; sent in answer to `ready`. */
export interface ViewState {
  /** The provider needs a key and none is set: the panel offers Set API Key. */
  needsApiKey: boolean;
  /** The provider's name, e.g. "OpenAI", "Ollama". */
  provider: string;
  /** Where requests go, shown so the user knows which server answers. */
  baseUrl: string;
  model: string;
  threads: ThreadMeta[];
  currentThreadId: string | undefined;
  /** Messages of the current thread, oldest first. */
  messages: Message[];
  /**
   * True when `messages` is only the newest page of the thread and older messages exist (the
   * panel asks for them with `loadOlder`); absent or false: `messages` is the whole thread.
   */
  hasOlder?: boolean;
  /** The reply being streamed into the current thread, if any. */
  streaming: StreamingReply | undefined;
  /** Files and images waiting to go with the next message of the current thread. */
  pending: PendingAttachment[];
  /** Limits for the next message only, over the thread's own. */
  runLimits: ContextLimits | undefined;
  /** Messages of the current thread waiting for its reply to end, oldest first. */
  queued: QueuedMessage[];
  /** Which webview this is: the side panel, or an editor tab bound to its thread. */
  surface: Surface;
  /** What the thread list shows (kept per workspace). */
  listFilter: ListFilter;
  /** The folder "this folder only" means; undefined when no folder is open. */
  workspaceFolder: string | undefined;
  /**
   * The panel's translations (`vscode.l10n.bundle`: English message -> translated), loaded before
   * the views are built; absent in English, where the messages are their own text.
   */
  l10nBundle?: Record<string, string>;
  /**
   * The host runs tests: the panel posts a render report after each burst of updates, on the test
   * channel (testChannel.ts). Off in normal use: a report copies the last message's text, which
   * costs on a long streaming reply, and the host refuses test messages then.
   */
  reportRenders?: boolean;
}

export type Surface = 'view' | 'editor';

/** The thread list's two toggles. */
export interface ListFilter {
  /** Archived threads are listed too. */
  showArchived: boolean;
  /** Threads of every workspace folder, not only this one's (and those of none). */
  allWorkspaces: boolean;
}

/**
 * What a webview keeps with `vscode.setState`: its unsent draft, and the thread it shows, which
 * an editor tab's serializer reads to bring the tab back after a reload.
 */
export interface WebviewMemory {
  draft: string;
  threadId?: string;
}

/** An attachment chip in the composer. */
export interface PendingAttachment {
  id: string;
  kind: 'file' | 'image';
  name: string;
  bytes: number;
  mime: string;
  /** 'uploading' with a 0..1 fraction, then 'ready'. */
  state: 'uploading' | 'ready';
  progress: number;
}

/** A message sent while a reply streamed, waiting to go out when it ends. */
export interface QueuedMessage {
  id: string;
  text: string;
  /** Names of its attachments. */
  attachments: string[];
}

export interface StreamingReply {
  threadId: string;
  messageId: string;
  text: string;
}

/** Commands the panel may ask the host to run. An allow-list: never an arbitrary command id. */
export const PANEL_COMMANDS = ['setApiKey', 'newThread', 'attachFile', 'attachImage', 'chooseBackend', 'chooseModel', 'setContextLimits', 'setRunLimits', 'openThreadInEditor'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

export const HOST_MESSAGE_TYPES = ['state', 'threads', 'message', 'streamStart', 'streamDelta', 'streamEnd', 'sendFailed', 'pending', 'queue', 'problem', 'insertDraft', 'revealMessage', 'focusComposer', 'submitDraft', 'searchResults', 'findResults', 'contextGauge', 'imageReady', 'page'] as const;
export type HostMessageType = (typeof HOST_MESSAGE_TYPES)[number];

/** Host -> webview. */
export type HostMessage =
  /** The whole state: the answer to `ready`, and after anything that replaces the view (switch, key change). */
  | { type: 'state'; state: ViewState }
  /** The thread list changed (created, titled, touched, or its filters). */
  | { type: 'threads'; threads: ThreadMeta[]; currentThreadId: string | undefined; listFilter: ListFilter }
  /** A message was stored in the current thread (the user's, or a finished reply). */
  | { type: 'message'; message: Message }
  /** A reply started streaming into the current thread. */
  | { type: 'streamStart'; threadId: string; messageId: string }
  /** More reply text. */
  | { type: 'streamDelta'; threadId: string; messageId: string; text: string }
  /** The stream ended; `message` is what was stored (complete, cancelled, incomplete or error). */
  | { type: 'streamEnd'; threadId: string; message: Message }
  /** A send failed before anything was stored or streamed; `draft` goes back into the composer. */
  | { type: 'sendFailed'; threadId: string | undefined; error: string; draft: string }
  /** The composer's attachments changed (added, progressing, sent, removed). */
  | { type: 'pending'; threadId: string | undefined; pending: PendingAttachment[] }
  /** The messages queued in a thread changed (one queued, sent, or taken out). */
  | { type: 'queue'; threadId: string; queued: QueuedMessage[] }
  /** Something went wrong outside a send (an upload refused, a reference that cannot open). */
  | { type: 'problem'; message: string }
  /** Add text to the composer (Ask about selection) and focus it. */
  | { type: 'insertDraft'; text: string }
  /** Scroll to a message of the open thread and mark it (a search hit). */
  | { type: 'revealMessage'; messageId: string }
  /** Put the keyboard focus in the composer (Ask about this file: the panel is ready to type in). */
  | { type: 'focusComposer' }
  /** Send what is in the composer, as its Send button does (the Send Message command). */
  | { type: 'submitDraft' }
  /** Hits across every thread, answering `searchThreads`. */
  | { type: 'searchResults'; requestId: number; hits: SearchHit[] }
  /** The messages of the open thread that match `find`'s query, in order (searched in the store,
   * so messages the panel has not rendered are found too). */
  | { type: 'findResults'; requestId: number; messageIds: string[] }
  /** The open thread's context gauge, after its state was sent and after each reply ends. */
  | { type: 'contextGauge'; threadId: string; gauge: ContextGaugeView }
  /**
   * Answers `fetchImage`: the host downloaded the image (`src`, a webview URI of its cached copy)
   * or could not (`error`, why; the panel shows a placeholder).
   */
  | { type: 'imageReady'; requestId: number; src?: string; error?: string }
  /**
   * A page of the open thread, oldest first, answering a page request: the messages just before
   * `loadOlder`'s `beforeId`, just after `loadNewer`'s `afterId`, around `revealMessage`'s message,
   * or the newest (`loadLatest`). `hasOlder` and `hasNewer` say whether the thread goes on beyond
   * them; a page of another thread than the panel shows (it switched meanwhile) is dropped.
   */
  | { type: 'page'; requestId: number; threadId: string; messages: Message[]; hasOlder: boolean; hasNewer: boolean };

export const WEBVIEW_MESSAGE_TYPES = ['ready', 'focus', 'send', 'stop', 'unqueue', 'switchThread', 'command', 'removeAttachment', 'openReference', 'continue', 'clearRunLimits', 'find', 'searchThreads', 'openSearchHit', 'toggleBookmark', 'messageAction', 'codeAction', 'attachUris', 'attachData', 'setListFilter', 'loadOlder', 'loadNewer', 'revealMessage', 'loadLatest', 'fetchImage'] as const;
export type WebviewMessageType = (typeof WEBVIEW_MESSAGE_TYPES)[number];

/** Webview -> host. */
export type WebviewMessage =
  /** The script is running and listening; the host answers with `state`. */
  | { type: 'ready' }
  /** The panel's page gained or lost the keyboard focus (the keybindings act on the focused panel). */
  | { type: 'focus'; focused: boolean }
  /** Send `text` to the current thread (one is created when there is none). */
  | { type: 'send'; text: string }
  /** Stop the reply that is streaming. */
  | { type: 'stop' }
  /** Take a queued message out before it goes: back into the composer (`edit`), or dropped. */
  | { type: 'unqueue'; id: string; edit: boolean }
  /** Show another thread. */
  | { type: 'switchThread'; threadId: string }
  /** Run one of the allowed commands. */
  | { type: 'command'; command: PanelCommand }
  /** Drop a pending attachment (cancels its upload if still going). */
  | { type: 'removeAttachment'; id: string }
  /** Open reference `index` (0-based, in footnote order) of a reply: the cited file or URL. */
  | { type: 'openReference'; messageId: string; index: number }
  /** Ask the model to go on after an incomplete reply. */
  | { type: 'continue' }
  /** Drop the limits set for the next message. */
  | { type: 'clearRunLimits' }
  /** Find `query` in the open thread (answered with findResults). */
  | { type: 'find'; requestId: number; query: string }
  /** Search every thread's title, messages and attachment names for `query` (answered with searchResults). */
  | { type: 'searchThreads'; requestId: number; query: string }
  /** Open a search hit: show its thread, scrolled to its message when it has one. */
  | { type: 'openSearchHit'; threadId: string; messageId?: string }
  /** Bookmark a message of the open thread, or remove its bookmark. */
  | { type: 'toggleBookmark'; messageId: string }
  /** A message's action (see MessageAction). */
  | { type: 'messageAction'; action: MessageAction; messageId: string }
  /** A code block's action: copy it, insert it at the editor's cursor, or open it in a new file. */
  | { type: 'codeAction'; action: CodeAction; code: string; language: string | undefined }
  /** Files dragged into the panel from the explorer or an editor tab (`file:`/`vscode-*:` URIs as text). */
  | { type: 'attachUris'; uris: string[] }
  /** An image pasted (or a file dropped from outside VS Code) into the panel, as base64 bytes. */
  | { type: 'attachData'; name: string; base64: string }
  /** Change what the thread list shows (remembered for this workspace). */
  | { type: 'setListFilter'; filter: ListFilter }
  /** The user scrolled near the oldest message shown (`beforeId`): answered with the `page` before it. */
  | { type: 'loadOlder'; requestId: number; beforeId: string }
  /** The user scrolled near the newest message shown (`afterId`), and newer ones were let go: answered with the `page` after it. */
  | { type: 'loadNewer'; requestId: number; afterId: string }
  /** Show a message the panel has not loaded (find, jump to message): answered with a `page` around it. */
  | { type: 'revealMessage'; requestId: number; messageId: string }
  /** Jump to latest while the newest messages are not loaded: answered with the newest `page`. */
  | { type: 'loadLatest'; requestId: number }
  /** An image part that has a `fileId` but no `dataUrl` is drawn: answered with `imageReady`. */
  | { type: 'fetchImage'; requestId: number; fileId: string };

const CODE_ACTIONS = ['copy', 'insert', 'newFile'] as const;
export type CodeAction = (typeof CODE_ACTIONS)[number];

/**
 * A message's own buttons: copy its text; put a message of yours back in the composer to edit
 * and send again; ask again for the last reply (shown as Retry after a failed, stopped or cut-short
 * reply, Regenerate after a finished one).
 */
const MESSAGE_ACTIONS = ['copy', 'edit', 'askAgain'] as const;
export type MessageAction = (typeof MESSAGE_ACTIONS)[number];

/**
 * The requests that expect an answer, each with its answer's type. A request carries a
 * `requestId` (fresh for each request from a panel) and its answer echoes it: the panel matches
 * answers to what it still waits for and drops the rest (webview-ui/src/requests.ts).
 */
export const REQUEST_ANSWERS = {
  find: 'findResults',
  searchThreads: 'searchResults',
  loadOlder: 'page',
  loadNewer: 'page',
  revealMessage: 'page',
  loadLatest: 'page',
  fetchImage: 'imageReady',
} as const satisfies Partial<Record<WebviewMessageType, HostMessageType>>;
export type RequestType = keyof typeof REQUEST_ANSWERS;
export type RequestMessage<K extends RequestType = RequestType> = Extract<WebviewMessage, { type: K }>;
export type AnswerTo<K extends RequestType> = Extract<HostMessage, { type: (typeof REQUEST_ANSWERS)[K] }>;
export type Answer = AnswerTo<RequestType>;
/** Compiles only while every request and every answer carries its `requestId`. */
export type RequestsCarryIds = Holds<[RequestMessage | Answer] extends [{ requestId: number }] ? true : false>;

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

/** Compiles only while HOST_MESSAGE_TYPES lists exactly the host's messages (the panel checks against it). */
export type HostTypesListed = Holds<SameTypes<HostMessageType, HostMessage['type']>>;

/**
 * What arrives in the panel's window is the host's, unless its type is not one the host sends
 * (the host is trusted: its fields are not checked).
 */
export function isHostMessage(value: unknown): value is HostMessage {
  return isRecord(value) && HOST_MESSAGE_TYPES.includes(value.type as HostMessageType);
}

/** A check for every field of every message the webview sends. */
const WEBVIEW_SCHEMA: Schema<WebviewMessage, WebviewMessageType> = {
  ready: {},
  focus: { focused: isBoolean },
  send: { text: isString },
  stop: {},
  unqueue: { id: isString, edit: isBoolean },
  switchThread: { threadId: isString },
  command: { command: oneOf(PANEL_COMMANDS) },
  removeAttachment: { id: isString },
  openReference: { messageId: isString, index: isIndex },
  continue: {},
  clearRunLimits: {},
  find: { requestId: isRequestId, query: isString },
  searchThreads: { requestId: isRequestId, query: isString },
  openSearchHit: { threadId: isString, messageId: optional(isString) },
  toggleBookmark: { messageId: isString },
  messageAction: { action: oneOf(MESSAGE_ACTIONS), messageId: isString },
  codeAction: { action: oneOf(CODE_ACTIONS), code: isString, language: optional(isString) },
  attachUris: { uris: arrayOf(isString) },
  attachData: { name: isString, base64: isString },
  setListFilter: { filter: shape({ showArchived: isBoolean, allWorkspaces: isBoolean } satisfies Record<keyof ListFilter, unknown>) },
  loadOlder: { requestId: isRequestId, beforeId: isString },
  loadNewer: { requestId: isRequestId, afterId: isString },
  revealMessage: { requestId: isRequestId, messageId: isString },
  loadLatest: { requestId: isRequestId },
  fetchImage: { requestId: isRequestId, fileId: isString },
};

/** Runtime guard for what arrives from the webview: it is untrusted input. */
export const isWebviewMessage = messageGuard<WebviewMessage>(WEBVIEW_MESSAGE_TYPES, WEBVIEW_SCHEMA);
