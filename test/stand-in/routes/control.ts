// Control routes under /__stand-in (outside /v1, no auth): queue faults and read the recorded
// requests, for tests in other processes (the VS Code integration tests, a human with curl).
// Replies are bare JSON arrays: the queued faults, or the recorded requests oldest first.
import { badRequest } from '../errors';
import { parseFault } from '../faults';
import type { Fault, FaultQueue } from '../faults';
import type { Router } from '../router';
import type { RecordedRequest } from '../recorder';

export function registerControlRoutes(router: Router, faults: FaultQueue, requests: RecordedRequest[]): void {
  router.add('POST', '/faults', ({ body }) => {
    if (body.kind !== 'json') throw badRequest('Send a JSON Fault (or an array of them).');
    let added: Fault[];
    try {
      added = (Array.isArray(body.value) ? body.value : [body.value]).map(parseFault);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    added.forEach((fault) => faults.add(fault));
    return { json: faults.pending };
  });
  router.add('GET', '/faults', () => ({ json: faults.pending }));
  router.add('DELETE', '/faults', () => {
    faults.clear();
    return { json: [] };
  });
  router.add('GET', '/requests', () => ({ json: requests }));
  router.add('DELETE', '/requests', () => {
    requests.length = 0;
    return { json: [] };
  });
}
