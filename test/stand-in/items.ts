// Turns input items (Responses `input`, Conversations `items`) into stored items: every item gets
// an id and a status, and string message content becomes a list of parts (openai-wire.md §3, §4.2).
import { badRequest } from './errors';
import { newId } from './store';
import type { Item, Json, JsonObject } from './store';

const ROLES = ['user', 'assistant', 'system', 'developer'];
const PART_TYPES = ['input_text', 'output_text', 'input_image', 'input_file', 'refusal'];

/** A string is one user message; otherwise an array of items. `param` names the field in errors. */
export function toStoredItems(input: Json | undefined, param: string): Item[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [message('user', [{ type: 'input_text', text: input }])];
  if (!Array.isArray(input)) throw badRequest(`Invalid type for '${param}': expected a string or an array of items.`, param, 'invalid_type');
  return input.map((item, i) => toStoredItem(item, `${param}[${i}]`));
}

/** A completed message item with a fresh id. */
export function message(role: string, content: JsonObject[], status = 'completed'): Item {
  return { id: newId('msg_'), type: 'message', status, role, content };
}

/** An assistant output_text part. */
export function outputText(text: string): JsonObject {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function toStoredItem(item: Json, param: string): Item {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  const type = item.type ?? 'message';
  if (typeof type !== 'string') throw badRequest(`Invalid type for '${param}.type': expected a string.`, `${param}.type`, 'invalid_type');
  if (type === 'item_reference') throw badRequest(`The stand-in does not resolve item references ('${param}').`, param);
  if (type !== 'message') {
    return { ...item, type, id: typeof item.id === 'string' ? item.id : newId('item_') };
  }
  const role = item.role;
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    throw badRequest(`Invalid value for '${param}.role': expected one of ${ROLES.map((r) => `'${r}'`).join(', ')}.`, `${param}.role`, 'invalid_value');
  }
  const stored = message(role, toParts(item.content, role, `${param}.content`));
  if (typeof item.id === 'string') stored.id = item.id;
  return stored;
}

function toParts(content: Json | undefined, role: string, param: string): JsonObject[] {
  if (typeof content === 'string') return [role === 'assistant' ? outputText(content) : { type: 'input_text', text: content }];
  if (!Array.isArray(content) || content.length === 0) {
    throw badRequest(`Invalid '${param}': expected a string or a non-empty array of content parts.`, param, 'invalid_type');
  }
  return content.map((part, i) => {
    if (!part || typeof part !== 'object' || Array.isArray(part) || typeof part.type !== 'string' || !PART_TYPES.includes(part.type)) {
      throw badRequest(`Invalid '${param}[${i}]': expected a content part with type ${PART_TYPES.join(', ')}.`, `${param}[${i}]`, 'invalid_value');
    }
    if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text !== 'string') {
      throw badRequest(`Missing required parameter: '${param}[${i}].text'.`, `${param}[${i}].text`, 'missing_required_parameter');
    }
    if (part.type === 'output_text') return { annotations: [], logprobs: [], ...part };
    if (part.type === 'input_image') return { image_url: null, file_id: null, detail: 'auto', ...part };
    return { ...part };
  });
}
