// The one interface every wire dialect implements. The chat service talks only to this, so
// Assistants v2 and Chat Completions plug in beside Conversations + Responses unchanged.
import type { Annotation, AttachmentPart, BackendKind, ContentPart, ContextLimits, Message, MessageStatus, Role, ThreadMeta, Usage } from '../model';

export interface ReplyRequest {
  /** The thread, with its `remoteId` already set by `createThread`. */
  thread: ThreadMeta;
  /**
   * The stored messages before `input` (dialects that keep no server state need them), read only
   * as far as the backend asks: newest first until its context is full.
   */
  history: HistorySource;
  /** The new user message to send. */
  input: Message;
  model: string;
  /** Limits for this run (the thread's, possibly overridden); absent = none. */
  limits?: ContextLimits;
  /** Aborts the request; the reply then ends by throwing (the caller keeps the partial text). */
  signal: AbortSignal;
  /** Told when the request goes out and when the server first answers (see chat/sendTrace.ts). */
  trace?: (stage: 'requestSent' | 'firstByte') => void;
}

/**
 * The messages of a thread before some point, read on demand: a thread may hold 100,000
 * messages, and a send must not load them all to find the few dozen that fit a context.
 */
export interface HistorySource {
  /** Newest first, read as iterated: stop (break) once the context is full, and reading stops too. */
  newestFirst(): AsyncIterable<Message>;
  /** Every message, oldest first. Reads the whole thread: only for the rare need of all of it. */
  all(): Promise<Message[]>;
}

/** A history already in memory (oldest first): a thread not stored, or a test's. */
export function historyFrom(messages: readonly Message[]): HistorySource {
  const held = [...messages];
  return {
    async *newestFirst() {
      for (let i = held.length - 1; i >= 0; i--) yield held[i] as Message;
    },
    all: async () => [...held],
  };
}

/** What a streaming reply yields: text deltas, then exactly one `done`. */
export type ReplyEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      /** 'complete', or 'incomplete' when the server stopped early (see `reason`). */
      status: Extract<MessageStatus, 'complete' | 'incomplete'>;
      reason?: string;
      usage?: Usage;
      /** Server id of the assistant message, when the dialect has one. */
      remoteId?: string;
      model?: string;
      /** The final text when the server's differs from the joined deltas (e.g. citation markers). */
      text?: string;
      /** Citations in the final text, positions relative to `text` (or the joined deltas). */
      annotations?: Annotation[];
      /**
       * Local ids of messages the dialect left out of the context to fit the limits, oldest first;
       * on a long thread only the newest OMITTED_IDS_LISTED of them (see backends/history.ts).
       */
      omittedMessageIds?: string[];
    };

/**
 * A message as the server holds it, read back into Threadline's model. Attachments carry their
 * `fileId`; the server keeps no name for most of them, so `name` is then the file id (resolve
 * it with `Backend.fileName` where a real name matters).
 */
export interface RemoteMessage {
  remoteId: string;
  role: Role;
  content: ContentPart[];
  /** Unix milliseconds, when the dialect records it (conversation items carry no time). */
  createdAt?: number;
}

/** A file to upload for a message. */
export interface UploadRequest {
  name: string;
  mime: string;
  data: Uint8Array;
  purpose: 'assistants' | 'user_data' | 'vision';
  signal?: AbortSignal;
  /** Called as bytes go out, for a progress bar. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface Backend {
  readonly kind: BackendKind;
  /** The server it talks to (its base URL), so caches of server-side things keep servers apart. */
  readonly server: string;
  /**
   * Creates the server-side thread (a conversation, an Assistants thread, or nothing for chat),
   * holding `initialMessages` (oldest first, e.g. imported history) when given. Attachments go
   * by their `fileId`; one that was never uploaded becomes a short note. Fails as a whole: a
   * thread that could not take every message is removed again.
   */
  createThread(thread: ThreadMeta, initialMessages?: readonly Message[]): Promise<{ remoteId?: string }>;
  /** Streams the assistant's reply to `input`. Throws on failure; see `describeError`. */
  reply(request: ReplyRequest): AsyncIterable<ReplyEvent>;
  /** Removes the server-side thread. */
  deleteThread(remoteId: string): Promise<void>;
  /**
   * Whether the server-side thread still exists: false on a 404, and any other failure throws
   * (so "could not check" is never taken for "gone"). Absent where the server keeps no thread.
   */
  threadExists?(remoteId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /**
   * The user and assistant messages of a server-side thread, oldest first, fetched page by page
   * as the caller iterates. Absent where the server keeps no thread (chat: the local store is all).
   */
  listMessages?(remoteId: string, options?: { signal?: AbortSignal }): AsyncIterable<RemoteMessage>;
  /** The name of an uploaded or generated file, for citations that carry only its id. */
  fileName?(fileId: string): Promise<string>;
  /**
   * Turns a local attachment into the content part this dialect sends: uploaded through the
   * Files API (returning the part with `fileId`), or inlined. Throws a clear error for a file
   * the dialect cannot take.
   */
  prepareAttachment?(part: AttachmentPart, data: Uint8Array, options: Pick<UploadRequest, 'signal' | 'onProgress'>): Promise<AttachmentPart>;
}

/** Where to connect. The key is fetched per request so a changed key takes effect at once. */
export interface ConnectionSettings {
  baseUrl: string;
  getApiKey: () => Promise<string | undefined>;
  organization?: string;
  project?: string;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Retries the SDK makes on 408/409/429/5xx and connection errors (SDK default 2). */
  maxRetries?: number;
  /** Milliseconds per attempt. */
  timeoutMs?: number;
  /** Azure OpenAI takes the key in an `api-key` header rather than `Authorization: Bearer`. */
  keyHeader?: 'authorization' | 'api-key';
  /** Sent with every request, e.g. Azure's `api-version`. */
  query?: Record<string, string>;
  /**
   * Azure OpenAI's deployment API (`{endpoint}/openai/deployments/{deployment}/…?api-version=…`),
   * through the SDK's AzureOpenAI client; `baseUrl` is then `{endpoint}/openai`. Absent for the v1
   * path, which is an ordinary base URL.
   */
  azureDeployment?: { endpoint: string; deployment: string; apiVersion: string };
}
