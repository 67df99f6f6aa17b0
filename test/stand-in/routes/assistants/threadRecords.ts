// A new thread from a create body (`POST /threads`, or `thread` of `POST /threads/runs`).
import { badRequest } from '../../errors';
import { parseMetadata } from '../../metadata';
import { nowSeconds } from '../../store';
import type { Json, JsonObject, StandInState } from '../../store';
import { familyId } from './family';
import type { ThreadRecord } from './family';
import { parseMessages } from './messages';

/** `prefix` ('' or 'thread.') names fields in errors. Nothing is stored here. */
export function newThread(params: JsonObject, prefix: string, state: StandInState): ThreadRecord {
  const id = familyId('thread_');
  return {
    thread: {
      id,
      object: 'thread',
      created_at: nowSeconds(),
      metadata: parseMetadata(params.metadata, `${prefix}metadata`),
      tool_resources: toolResources(params.tool_resources, `${prefix}tool_resources`),
    },
    messages: parseMessages(params.messages, `${prefix}messages`, id, state),
    runs: [],
  };
}

export function toolResources(value: Json | undefined, param: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  return value;
}
