// Thread messages (openai-wire.md §2.4): the create shape (also used by `thread.messages[]` and
// `additional_messages[]`), and the routes. A message cannot be added while a run is active.
import { jsonObject } from '../../body';
import { badRequest, notFound } from '../../errors';
import { parseMetadata } from '../../metadata';
import { newId, nowSeconds } from '../../store';
import type { Json, JsonObject, StandInState } from '../../store';
import { activeRun, findThread } from './family';
import type { AssistantsFamily, Attachment, BetaRouter, MessageContent, MessageObject, ThreadRecord } from './family';
import { paginateBothWays } from './lists';

const DETAILS = ['auto', 'low', 'high'];
const ATTACHMENT_TOOLS = ['code_interpreter', 'file_search'];

export function registerMessageRoutes(add: BetaRouter, family: AssistantsFamily): void {
  add('POST', '/threads/:thread_id/messages', ({ params, body, state }) => {
    const thread = findThread(family, params.thread_id);
    const active = activeRun(thread);
    if (active) throw badRequest(`Can't add messages to ${thread.thread.id} while a run ${active.run.id} is active.`);
    const message = parseMessage(jsonObject(body), '', thread.thread.id, state);
    thread.messages.push(message);
    return { json: message };
  });

  add('GET', '/threads/:thread_id/messages', ({ params, query }) => {
    const { messages } = findThread(family, params.thread_id);
    const runId = query.get('run_id');
    return { json: paginateBothWays(runId ? messages.filter((m) => m.run_id === runId) : messages, query) };
  });

  add('GET', '/threads/:thread_id/messages/:message_id', ({ params }) => ({
    json: findMessage(findThread(family, params.thread_id), params.message_id),
  }));

  add('POST', '/threads/:thread_id/messages/:message_id', ({ params, body }) => {
    const message = findMessage(findThread(family, params.thread_id), params.message_id);
    const update = jsonObject(body);
    if ('metadata' in update) message.metadata = parseMetadata(update.metadata);
    return { json: message };
  });

  add('DELETE', '/threads/:thread_id/messages/:message_id', ({ params }) => {
    const thread = findThread(family, params.thread_id);
    const message = findMessage(thread, params.message_id);
    thread.messages.splice(thread.messages.indexOf(message), 1);
    return { json: { id: message.id, object: 'thread.message.deleted', deleted: true } };
  });
}

/** `messages[]` of a thread create or `additional_messages[]` of a run; `param` names the field. */
export function parseMessages(value: Json | undefined, param: string, threadId: string, state: StandInState): MessageObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`Invalid type for '${param}': expected an array of messages.`, param, 'invalid_type');
  return value.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw badRequest(`Invalid type for '${param}[${i}]': expected an object.`, `${param}[${i}]`, 'invalid_type');
    return parseMessage(item, `${param}[${i}].`, threadId, state);
  });
}

/** A user/assistant message as stored; `prefix` ('' or 'messages[0].') names fields in errors. */
function parseMessage(params: JsonObject, prefix: string, threadId: string, state: StandInState): MessageObject {
  const role = params.role;
  if (role !== 'user' && role !== 'assistant') {
    throw badRequest(`Invalid value for '${prefix}role': expected one of 'user', 'assistant'.`, `${prefix}role`, 'invalid_value');
  }
  const createdAt = nowSeconds();
  return {
    id: newId('msg_'),
    object: 'thread.message',
    created_at: createdAt,
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: createdAt,
    incomplete_at: null,
    role,
    content: parseContent(params.content, `${prefix}content`, state),
    assistant_id: null,
    run_id: null,
    attachments: parseAttachments(params.attachments, `${prefix}attachments`, state),
    metadata: parseMetadata(params.metadata, `${prefix}metadata`),
  };
}

function parseContent(content: Json | undefined, param: string, state: StandInState): MessageContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: { value: content, annotations: [] } }];
  if (!Array.isArray(content) || content.length === 0) {
    throw badRequest(`Invalid '${param}': expected a string or a non-empty array of content parts.`, param, 'invalid_type');
  }
  return content.map((part, i): MessageContent => {
    const at = `${param}[${i}]`;
    if (!part || typeof part !== 'object' || Array.isArray(part)) throw badRequest(`Invalid type for '${at}': expected an object.`, at, 'invalid_type');
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string') throw badRequest(`Missing required parameter: '${at}.text'.`, `${at}.text`, 'missing_required_parameter');
        return { type: 'text', text: { value: part.text, annotations: [] } };
      case 'image_file': {
        const image = objectField(part.image_file, `${at}.image_file`);
        const fileId = image.file_id;
        if (typeof fileId !== 'string' || !state.files.has(fileId)) throw notFound(`No such File object: ${String(fileId)}`, `${at}.image_file.file_id`);
        return { type: 'image_file', image_file: { file_id: fileId, detail: detailOf(image.detail, `${at}.image_file.detail`) } };
      }
      case 'image_url': {
        const image = objectField(part.image_url, `${at}.image_url`);
        if (typeof image.url !== 'string' || !/^https?:\/\//.test(image.url)) {
          throw badRequest(`Invalid '${at}.image_url.url': expected an http(s) URL.`, `${at}.image_url.url`, 'invalid_value');
        }
        return { type: 'image_url', image_url: { url: image.url, detail: detailOf(image.detail, `${at}.image_url.detail`) } };
      }
      default:
        throw badRequest(`Invalid value for '${at}.type': expected one of 'text', 'image_file', 'image_url'.`, `${at}.type`, 'invalid_value');
    }
  });
}

function parseAttachments(value: Json | undefined, param: string, state: StandInState): Attachment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`Invalid type for '${param}': expected an array.`, param, 'invalid_type');
  return value.map((item, i) => {
    const at = `${param}[${i}]`;
    const attachment = objectField(item, at);
    const fileId = attachment.file_id;
    if (typeof fileId !== 'string' || !state.files.has(fileId)) throw notFound(`No such File object: ${String(fileId)}`, `${at}.file_id`);
    const tools = Array.isArray(attachment.tools) ? attachment.tools : [];
    return {
      file_id: fileId,
      tools: tools.map((tool, j) => {
        const type = tool && typeof tool === 'object' && !Array.isArray(tool) ? tool.type : undefined;
        if (type !== 'code_interpreter' && type !== 'file_search') {
          throw badRequest(`Invalid value for '${at}.tools[${j}].type': expected one of ${ATTACHMENT_TOOLS.map((t) => `'${t}'`).join(', ')}.`, `${at}.tools[${j}].type`, 'invalid_value');
        }
        return { type };
      }),
    };
  });
}

function objectField(value: Json | undefined, param: string): JsonObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  return value;
}

function detailOf(value: Json | undefined, param: string): string {
  if (value === undefined || value === null) return 'auto';
  if (typeof value !== 'string' || !DETAILS.includes(value)) throw badRequest(`Invalid value for '${param}': expected one of 'auto', 'low', 'high'.`, param, 'invalid_value');
  return value;
}

function findMessage(thread: ThreadRecord, id: string | undefined): MessageObject {
  const message = thread.messages.find((m) => m.id === id);
  if (!message) throw notFound(`No message found with id '${id}'.`);
  return message;
}
