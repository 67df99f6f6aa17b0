// `metadata`: at most 16 string pairs, keys ≤ 64 characters, values ≤ 512 (openai-wire.md §0.1).
import { badRequest } from './errors';
import type { Json } from './store';

export function parseMetadata(value: Json | undefined, param = 'metadata'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  const entries = Object.entries(value);
  if (entries.length > 16) throw badRequest(`Invalid '${param}': too many properties. Expected at most 16, but got ${entries.length}.`, param, 'object_above_max_properties');
  const result: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (key.length > 64) throw badRequest(`Invalid '${param}': key '${key.slice(0, 20)}…' is longer than 64 characters.`, param, 'invalid_value');
    if (typeof v !== 'string') throw badRequest(`Invalid type for '${param}.${key}': expected a string.`, `${param}.${key}`, 'invalid_type');
    if (v.length > 512) throw badRequest(`Invalid '${param}.${key}': string too long. Expected at most 512 characters.`, `${param}.${key}`, 'string_above_max_length');
    result[key] = v;
  }
  return result;
}
