import { randomUUID } from 'node:crypto';

/** A local id: sortable by creation time (base-36 ms), then random, e.g. `th_lx2k9a_3f9c…`. */
export function newLocalId(prefix: 'th' | 'msg' | 'att'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
