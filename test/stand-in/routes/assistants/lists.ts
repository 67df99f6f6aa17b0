// Assistants-family lists also take `before=<id>` (openai-wire.md §0.3): the page that precedes
// that object in the chosen order. That is the page after it in the opposite order, read
// backwards, so the shared `paginate` does the limit/order/cursor work for both directions.
import { badRequest } from '../../errors';
import { list, paginate } from '../../lists';
import type { ListPage } from '../../lists';

const RULES = { maxLimit: 100, defaultLimit: 20 };

/** `all` oldest first; limit 1–100 (default 20), order default desc, `after` or `before`. */
export function paginateBothWays<T extends { id: string }>(all: readonly T[], query: URLSearchParams): ListPage<T> {
  const before = query.get('before');
  if (!before) return paginate(all, query, RULES);
  if (query.get('after')) throw badRequest("Only one of 'after' and 'before' may be given.", 'before');
  if (!all.some((item) => item.id === before)) throw badRequest(`Invalid 'before': no object with id '${before}' in this list.`, 'before');
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') return paginate(all, query, RULES); // reports the bad order
  const reversed = new URLSearchParams(query);
  reversed.delete('before');
  reversed.set('after', before);
  reversed.set('order', order === 'asc' ? 'desc' : 'asc');
  const page = paginate(all, reversed, RULES);
  return list(page.data.reverse(), page.has_more);
}
