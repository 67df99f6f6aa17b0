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
}

export type Role = 'user' | 'assistant';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'file'; fileId?: string; name: string; bytes?: number; mime?: string }
  | { type: 'image'; fileId?: string; name: string; mime: string; dataUrl?: string };

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
  model?: string;
  usage?: Usage;
  /** Id of the corresponding item on the server, when known. */
  remoteId?: string;
}

/** The plain text of a message: its text parts joined. */
export function messageText(message: Pick<Message, 'content'>): string {
  return message.content
    .filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

/** A first-message title: the first line, trimmed to a length that fits a list row. */
export function titleFromText(text: string, max = 60): string {
  const line = text.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (!line) return 'New thread';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}
