// Cursor lists: `{object:"list", data, first_id, last_id, has_more}` with limit/order/after as
// openai-wire.md §0.3 describes. `after` names an item id; the page starts just past it.
import { badRequest } from './errors';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export interface ListRules {
  maxLimit: number;
  defaultLimit: number;
}

/** `all` is in creation order (oldest first); the default order is newest first. */
export function paginate<T extends { id: string }>(all: readonly T[], query: URLSearchParams, rules: ListRules): ListPage<T> {
  const limit = parseLimit(query.get('limit'), rules);
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw badRequest(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value');
  }
  const ordered = order === 'asc' ? [...all] : [...all].reverse();
  const after = query.get('after');
  let start = 0;
  if (after) {
    const index = ordered.findIndex((item) => item.id === after);
    if (index < 0) throw badRequest(`Invalid 'after': no object with id '${after}' in this list.`, 'after');
    start = index + 1;
  }
  const data = ordered.slice(start, start + limit);
  return list(data, start + limit < ordered.length);
}

/**
 * A single complete page, e.g. the items just created. An empty page has null cursors, as the
 * real API sends them (the spec types them as strings; the SDK accepts both).
 */
export function list<T extends { id: string }>(data: T[], hasMore = false): ListPage<T> {
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}

function parseLimit(raw: string | null, rules: ListRules): number {
  if (raw === null) return rules.defaultLimit;
  const limit = Number(raw);
  if (!Number.isInteger(limit)) throw badRequest(`Invalid 'limit': expected an integer, but got '${raw}' instead.`, 'limit', 'invalid_type');
  if (limit < 1) throw badRequest(`Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${limit} instead.`, 'limit', 'integer_below_min_value');
  if (limit > rules.maxLimit) {
    throw badRequest(`Invalid 'limit': integer above maximum value. Expected a value <= ${rules.maxLimit}, but got ${limit} instead.`, 'limit', 'integer_above_max_value');
  }
  return limit;
}
