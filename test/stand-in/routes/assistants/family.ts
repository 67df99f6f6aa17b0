// State and shapes of the Assistants v2 family (openai-wire.md §2). The family keeps its own
// state beside the server's (one per registration, so one per stand-in); files stay in the
// shared store because runs read attachments from it and write generated files to it.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError, notFound } from '../../errors';
import type { Handler, Router } from '../../router';
import type { Json } from '../../store';

export interface AssistantObject {
  id: string;
  object: 'assistant';
  created_at: number;
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: Json[];
  tool_resources: Json;
  metadata: Record<string, string>;
  temperature: number | null;
  top_p: number | null;
  response_format: Json;
}

export interface ThreadObject {
  id: string;
  object: 'thread';
  created_at: number;
  metadata: Record<string, string>;
  tool_resources: Json;
}

export interface FileCitationObject {
  type: 'file_citation';
  text: string;
  start_index: number;
  end_index: number;
  file_citation: { file_id: string };
}

export interface FilePathObject {
  type: 'file_path';
  text: string;
  start_index: number;
  end_index: number;
  file_path: { file_id: string };
}

export type AnnotationObject = FileCitationObject | FilePathObject;

export type MessageContent =
  | { type: 'text'; text: { value: string; annotations: AnnotationObject[] } }
  | { type: 'image_file'; image_file: { file_id: string; detail: string } }
  | { type: 'image_url'; image_url: { url: string; detail: string } };

export interface Attachment {
  file_id: string;
  tools: Array<{ type: 'code_interpreter' | 'file_search' }>;
}

export interface MessageObject {
  id: string;
  object: 'thread.message';
  created_at: number;
  thread_id: string;
  status: 'in_progress' | 'incomplete' | 'completed';
  incomplete_details: { reason: string } | null;
  completed_at: number | null;
  incomplete_at: number | null;
  role: 'user' | 'assistant';
  content: MessageContent[];
  assistant_id: string | null;
  run_id: string | null;
  attachments: Attachment[];
  metadata: Record<string, string>;
}

export type RunStatus = 'queued' | 'in_progress' | 'requires_action' | 'cancelling' | 'cancelled' | 'failed' | 'completed' | 'incomplete' | 'expired';

export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface RunObject {
  id: string;
  object: 'thread.run';
  created_at: number;
  thread_id: string;
  assistant_id: string;
  status: RunStatus;
  required_action: null;
  last_error: { code: string; message: string } | null;
  expires_at: number | null;
  started_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  completed_at: number | null;
  incomplete_details: { reason: 'max_prompt_tokens' | 'max_completion_tokens' } | null;
  model: string;
  instructions: string;
  tools: Json[];
  metadata: Record<string, string>;
  usage: RunUsage | null;
  temperature: number | null;
  top_p: number | null;
  max_prompt_tokens: number | null;
  max_completion_tokens: number | null;
  truncation_strategy: { type: 'auto' | 'last_messages'; last_messages: number | null };
  tool_choice: Json;
  parallel_tool_calls: boolean;
  response_format: Json;
}

export interface RunStepObject {
  id: string;
  object: 'thread.run.step';
  created_at: number;
  assistant_id: string;
  thread_id: string;
  run_id: string;
  type: 'message_creation';
  status: 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';
  step_details: { type: 'message_creation'; message_creation: { message_id: string } };
  last_error: { code: string; message: string } | null;
  expired_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  completed_at: number | null;
  metadata: Record<string, string>;
  usage: RunUsage | null;
}

/** One SSE event of a run: the event name and its bare payload. */
export type RunEvent = [event: string, data: object];

export interface RunRecord {
  run: RunObject;
  /** Oldest first. */
  steps: RunStepObject[];
  /** Set by POST …/cancel; the run notices it before its next step. */
  cancelRequested: boolean;
  /** Set when the run must fail (a `failResponse` fault, or after an injected `event: error`). */
  failure?: { code: string; message: string };
  /**
   * A non-streamed run's remaining lifecycle: it advances one status per retrieve, so a poller
   * sees queued → in_progress → terminal deterministically. Streamed runs are driven by their
   * stream instead (and keep going after the client leaves, as OpenAI's do).
   */
  pending?: AsyncGenerator<RunEvent>;
}

export interface ThreadRecord {
  thread: ThreadObject;
  /** Oldest first. */
  messages: MessageObject[];
  /** Oldest first. */
  runs: RunRecord[];
}

export interface AssistantsFamily {
  /** Insertion (creation) order. */
  assistants: Map<string, AssistantObject>;
  threads: Map<string, ThreadRecord>;
}

const ACTIVE: readonly RunStatus[] = ['queued', 'in_progress', 'requires_action', 'cancelling'];

export function isActive(run: RunObject): boolean {
  return ACTIVE.includes(run.status);
}

export function activeRun(thread: ThreadRecord): RunRecord | undefined {
  return thread.runs.find((record) => isActive(record.run));
}

/** Ids with the real API's prefixes (store.newId covers the other families). */
export function familyId(prefix: 'asst_' | 'thread_' | 'run_' | 'step_'): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export function findAssistant(family: AssistantsFamily, id: string | undefined, param: string | null = null): AssistantObject {
  const assistant = id ? family.assistants.get(id) : undefined;
  if (!assistant) throw notFound(`No assistant found with id '${id}'.`, param);
  return assistant;
}

export function findThread(family: AssistantsFamily, id: string | undefined): ThreadRecord {
  const record = id ? family.threads.get(id) : undefined;
  if (!record) throw notFound(`No thread found with id '${id}'.`);
  return record;
}

export function findRun(thread: ThreadRecord, id: string | undefined): RunRecord {
  const record = thread.runs.find((r) => r.run.id === id);
  if (!record) throw notFound(`No run found with id '${id}'.`);
  return record;
}

/** Registers routes that answer `invalid_beta` unless the request carries `OpenAI-Beta: assistants=v2`. */
export type BetaRouter = (method: string, path: string, handler: Handler) => void;

export function betaRouter(router: Router): BetaRouter {
  return (method, path, handler) => {
    router.add(method, path, (ctx) => {
      requireBeta(ctx.req);
      return handler(ctx);
    });
  };
}

function requireBeta(req: IncomingMessage): void {
  const header = req.headers['openai-beta'];
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((v) => v.trim());
  if (values.includes('assistants=v2')) return;
  const message = values.includes('assistants=v1')
    ? "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
    : "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.";
  throw new ApiError(400, message, 'invalid_request_error', null, 'invalid_beta');
}
