// The Assistants API v2 family (openai-wire.md §2): assistants here, threads, messages, runs and
// steps in threads.ts. Every route needs `OpenAI-Beta: assistants=v2`, as on OpenAI.
import { jsonObject } from '../body';
import { badRequest } from '../errors';
import { parseMetadata } from '../metadata';
import type { Router } from '../router';
import { nowSeconds } from '../store';
import type { Json, JsonObject } from '../store';
import { betaRouter, familyId, findAssistant } from './assistants/family';
import type { AssistantObject, AssistantsFamily } from './assistants/family';
import { paginateBothWays } from './assistants/lists';
import { isKnownModel } from './models';
import { registerThreadRoutes } from './threads';

const TOOL_TYPES = ['code_interpreter', 'file_search', 'function'];

export function registerAssistantsRoutes(router: Router): void {
  const family: AssistantsFamily = { assistants: new Map(), threads: new Map() };
  const add = betaRouter(router);

  add('POST', '/assistants', ({ body }) => {
    const params = jsonObject(body);
    const model = params.model;
    if (typeof model !== 'string' || !model) throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    const assistant: AssistantObject = {
      id: familyId('asst_'),
      object: 'assistant',
      created_at: nowSeconds(),
      name: null,
      description: null,
      model,
      instructions: null,
      tools: [],
      tool_resources: {},
      metadata: {},
      temperature: 1,
      top_p: 1,
      response_format: 'auto',
    };
    apply(assistant, params);
    family.assistants.set(assistant.id, assistant);
    return { json: assistant };
  });

  add('GET', '/assistants', ({ query }) => ({ json: paginateBothWays([...family.assistants.values()], query) }));

  add('GET', '/assistants/:assistant_id', ({ params }) => ({ json: findAssistant(family, params.assistant_id) }));

  add('POST', '/assistants/:assistant_id', ({ params, body }) => {
    const assistant = findAssistant(family, params.assistant_id);
    // Validated on a copy, so a rejected update changes nothing.
    const updated = { ...assistant };
    apply(updated, jsonObject(body));
    Object.assign(assistant, updated);
    return { json: assistant };
  });

  add('DELETE', '/assistants/:assistant_id', ({ params }) => {
    const assistant = findAssistant(family, params.assistant_id);
    family.assistants.delete(assistant.id);
    return { json: { id: assistant.id, object: 'assistant.deleted', deleted: true } };
  });

  registerThreadRoutes(add, family);
}

/** The fields of a create or modify body that are present, validated. */
function apply(assistant: AssistantObject, params: JsonObject): void {
  if ('model' in params) {
    if (typeof params.model !== 'string' || !isKnownModel(params.model)) {
      throw badRequest(`The requested model '${String(params.model)}' does not exist.`, 'model', 'model_not_found');
    }
    assistant.model = params.model;
  }
  if ('name' in params) assistant.name = optionalString(params.name, 'name', 256);
  if ('description' in params) assistant.description = optionalString(params.description, 'description', 512);
  if ('instructions' in params) assistant.instructions = optionalString(params.instructions, 'instructions', 256_000);
  if ('tools' in params) assistant.tools = tools(params.tools);
  if ('tool_resources' in params) assistant.tool_resources = params.tool_resources ?? {};
  if ('metadata' in params) assistant.metadata = parseMetadata(params.metadata);
  if (typeof params.temperature === 'number') assistant.temperature = params.temperature;
  if (typeof params.top_p === 'number') assistant.top_p = params.top_p;
  if ('response_format' in params) assistant.response_format = params.response_format ?? 'auto';
}

function optionalString(value: Json | undefined, param: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(`Invalid type for '${param}': expected a string.`, param, 'invalid_type');
  if (value.length > max) throw badRequest(`Invalid '${param}': string too long. Expected a string with maximum length ${max}.`, param, 'string_above_max_length');
  return value;
}

function tools(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  if (value.length > 128) throw badRequest("Invalid 'tools': array too long. Expected an array with maximum length 128.", 'tools', 'array_above_max_length');
  value.forEach((tool, i) => {
    const type = tool && typeof tool === 'object' && !Array.isArray(tool) ? tool.type : undefined;
    if (typeof type !== 'string' || !TOOL_TYPES.includes(type)) {
      throw badRequest(`Invalid value for 'tools[${i}].type': expected one of ${TOOL_TYPES.map((t) => `'${t}'`).join(', ')}.`, `tools[${i}].type`, 'invalid_value');
    }
  });
  return value;
}
