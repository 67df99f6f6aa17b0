// The thread and message model shared by the store, the backends, the host and (as plain data)
// the webview. Everything here is JSON-serialisable so it can be written to disk and posted
// to the webview unchanged.

/** Which wire dialect a thread speaks. Only 'responses' exists in the skeleton. */
export type BackendKind = 'responses' | 'assistants' | 'chat';

export interface ThreadMeta {
  /** Local id, stable for the life of the thread (also its file name on disk). */
  id: string;
  title: string;
  /** Unix milliseconds. */
  createdAt: number;
  /** Unix milliseconds of the last message or change. */
  updatedAt: number;
  backend: BackendKind;
  /** Id of the thread on the server (a `conv_…` for Responses), once it exists there. */
  remoteId?: string;
  messageCount: number;
  /** Per-thread context limits; a run may override them. */
  limits?: ContextLimits;
  /** Listed before unpinned threads. Absent means false (so is every flag below). */
  pinned?: boolean;
  /** Hidden from the thread list unless archived threads are asked for. */
  archived?: boolean;
  /** The workspace folder path the thread was started in; absent = shown in every workspace. */
  workspaceFolder?: string;
  /** Set when the user renamed the thread, so the first-message auto-title leaves it alone. */
  titleLocked?: boolean;
  /** Ids of bookmarked messages, in the order they were bookmarked. */
  bookmarks?: string[];
  /**
   * Set by a reconcile that found the server-side thread missing (deleted elsewhere, expired,
   * the API turned off). `remoteId` is then cleared, so the next send creates a new server
   * thread seeded with the local history, and the vanished id moves to `goneRemoteId`.
   */
  remoteGone?: boolean;
  /** The server id the thread had when it was found gone; kept to show, and to re-check later. */
  goneRemoteId?: string;
  /**
   * Only on a thread listed from another machine (Settings Sync) that this library does not hold
   * yet: the server its messages load from when it is opened. Never stored.
   */
  roamingFrom?: string;
}

export type Role = 'user' | 'assistant';

export type ContentPart =
  | { type: 'text'; text: string; annotations?: Annotation[] }
  | {
      type: 'file';
      /** Set once uploaded through the Files API. */
      fileId?: string;
      name: string;
      bytes?: number;
      mime?: string;
      /** For dialects without file uploads (Chat Completions): the file's text, inlined. */
      text?: string;
      /** The local file it was read from, to tell later whether that file changed. */
      source?: AttachmentSource;
      /**
       * Set by the host on the copy it shows, never stored: the source file's content is no longer
       * what was attached ('changed'), or the file is gone ('missing').
       */
      sourceState?: 'changed' | 'missing';
    }
  | { type: 'image'; fileId?: string; name: string; mime: string; dataUrl?: string };

/** A file or image part of a user message. */
export type AttachmentPart = Extract<ContentPart, { type: 'file' | 'image' }>;

/** Where an attached file came from, and what it was when attached. */
export interface AttachmentSource {
  /** The file's URI (`file:` or `vscode-remote:`), as `Uri.toString()` gives it. */
  uri: string;
  /** SHA-256 of the bytes attached, hex. */
  sha256: string;
  /** Size in bytes and modification time (Unix ms) when read: a cheap first check. */
  size: number;
  mtime: number;
}

/**
 * A citation in reply text, normalised across dialects. `start`/`end` is the span of text the
 * footnote marker replaces (Assistants' `【4:0†notes.pdf】`, a Responses url range); a point
 * annotation (Responses `file_citation.index`) has `start === end`.
 */
export interface Annotation {
  type: 'file_citation' | 'file_path' | 'url_citation' | 'container_file_citation';
  start: number;
  end: number;
  fileId?: string;
  containerId?: string;
  filename?: string;
  quote?: string;
  url?: string;
  title?: string;
}

/** How much context a run may use (Assistants' names; other dialects enforce them client-side). */
export interface ContextLimits {
  maxPromptTokens?: number;
  maxCompletionTokens?: number;
  truncation?: { type: 'auto' } | { type: 'last_messages'; lastMessages: number };
}

/**
 * How a message ended. 'complete' is the normal case; the others keep whatever text arrived
 * so nothing the user saw is lost.
 */
export type MessageStatus = 'complete' | 'cancelled' | 'incomplete' | 'error';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface Message {
  id: string;
  threadId: string;
  role: Role;
  content: ContentPart[];
  /** Unix milliseconds. */
  createdAt: number;
  status: MessageStatus;
  /** Human-readable reason for a non-complete status. */
  error?: string;
  /** What kind of failure an 'error' status was, so the UI can offer the right way out. */
  errorKind?: string;
  model?: string;
  usage?: Usage;
  /** Id of the corresponding item on the server, when known. */
  remoteId?: string;
  /** For a reply: ids of earlier messages left out of its context to fit the limits. */
  omittedMessageIds?: string[];
  /**
   * The message this one answers or follows, for threads that branch (an edit or a regenerate
   * starts a branch). Absent: the message before it in the thread file, as in every thread
   * written so far; so a parent link needs no change to files that have none.
   */
  parentId?: string;
}

/** The plain text of a message: its text parts joined. */
export function messageText(message: Pick<Message, 'content'>): string {
  return message.content
    .filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

/** The part without where its file came from (for an export, or before recording a new source). */
export function withoutSource(part: ContentPart): ContentPart {
  if (part.type !== 'file' || (part.source === undefined && part.sourceState === undefined)) return part;
  const { source: _source, sourceState: _state, ...rest } = part;
  return rest;
}

/** A first-message title: the first line, trimmed to a length that fits a list row. */
export function titleFromText(text: string, max = 60): string {
  const line = text.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (!line) return 'New thread';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}
