// POST /responses/input_tokens: the prompt size a create with the same body would have. The count
// is the one `usage.input_tokens` reports for that create (replies.ts: one token per word), so a
// client that budgets with it sees the same number afterwards.
import { jsonObject } from '../body';
import { badRequest } from '../errors';
import { countInputTokens } from '../replies';
import type { Router } from '../router';
import { checkModel, requestContext } from './responses';

export function registerInputTokenRoutes(router: Router): void {
  router.add('POST', '/responses/input_tokens', ({ body, state }) => {
    const params = jsonObject(body);
    // Optional here, unlike on create; when given it must name a model.
    if (params.model != null) {
      if (typeof params.model !== 'string') throw badRequest("Invalid type for 'model': expected a string.", 'model', 'invalid_type');
      checkModel(params.model);
    }
    const { context } = requestContext(state, params);
    const instructions = typeof params.instructions === 'string' ? params.instructions : null;
    return { json: { object: 'response.input_tokens', input_tokens: countInputTokens(context, instructions) } };
  });
}
