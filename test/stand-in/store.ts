// In-memory state of one stand-in server, plus id and clock helpers. Every object is kept in
// the JSON shape it is served in, so routes can return it as is.
import { randomBytes } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  /** Omitted when the file never expires: the spec types it as an integer, never null. */
  expires_at?: number;
  filename: string;
  purpose: string;
  status: 'processed';
}

export interface StoredFile {
  file: FileObject;
  content: Buffer;
  contentType: string;
}

/** A conversation / response item as stored and listed. Every item has an `id`. */
export interface Item {
  id: string;
  type: string;
  [key: string]: Json;
}

export interface Conversation {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: Record<string, string>;
}

export interface ConversationRecord {
  conversation: Conversation;
  /** Oldest first. */
  items: Item[];
}

export interface ResponseRecord {
  response: JsonObject & { id: string };
  /** This turn's input items, oldest first (GET /responses/{id}/input_items). */
  inputItems: Item[];
  /** Everything the model saw before its output: earlier context plus `inputItems`. */
  context: Item[];
  /** The output items, for chaining with previous_response_id. */
  output: Item[];
}

/** A file code interpreter "made" in a container (Responses); served by /containers routes only. */
export interface ContainerFile {
  containerId: string;
  fileId: string;
  filename: string;
  content: Buffer;
}

export interface StandInState {
  files: Map<string, StoredFile>;
  /** Container files by `<container_id>/<file_id>`. */
  containerFiles: Map<string, ContainerFile>;
  conversations: Map<string, ConversationRecord>;
  /**
   * Items of deleted conversations by conversation id: OpenAI does not delete a conversation's
   * items with it (openai-wire.md §3). No route reaches them; tests read them to see what a
   * delete left behind.
   */
  itemsOfDeletedConversations: Map<string, Item[]>;
  responses: Map<string, ResponseRecord>;
}

export function createState(): StandInState {
  return { files: new Map(), containerFiles: new Map(), conversations: new Map(), itemsOfDeletedConversations: new Map(), responses: new Map() };
}

/** An id with the real API's prefix, e.g. `conv_…`, `resp_…`, `msg_…`, `file-…`. */
export function newId(prefix: 'file-' | 'cfile_' | 'cntr_' | 'conv_' | 'resp_' | 'msg_' | 'item_' | 'req_' | 'chatcmpl-'): string {
  return `${prefix}${randomBytes(prefix === 'file-' ? 11 : 24).toString('hex')}`;
}

/** Timestamps on the wire are integer Unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
