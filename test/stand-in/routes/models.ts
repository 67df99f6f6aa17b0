// GET /models and /models/{id}: a fixed catalogue (openai-wire.md §5.2).
import { notFound } from '../errors';
import type { Router } from '../router';

export const MODELS = [
  { id: 'gpt-4.1-mini', object: 'model', created: 1744318173, owned_by: 'system' },
  { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
  { id: 'stand-in-echo', object: 'model', created: 1767225600, owned_by: 'threadline' },
] as const;

export function isKnownModel(id: string): boolean {
  return MODELS.some((model) => model.id === id);
}

export function registerModelRoutes(router: Router): void {
  router.add('GET', '/models', () => ({ json: { object: 'list', data: MODELS } }));
  router.add('GET', '/models/:model', ({ params }) => {
    const model = MODELS.find((m) => m.id === params.model);
    if (!model) throw notFound(`The model '${params.model}' does not exist`, 'model');
    return { json: model };
  });
}
