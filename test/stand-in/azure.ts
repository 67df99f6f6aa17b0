// Azure OpenAI's paths onto the /v1 routes, so the SDK's AzureOpenAI client can be tested for
// real: `/openai/v1/…` is the v1 API as is; the deployment API puts chat completions (and the
// other model-scoped calls) under `/openai/deployments/{deployment}/…` and everything else under
// `/openai/…`, and needs `api-version` on every request. A deployment must name a known model.
import { ApiError, badRequest } from './errors';
import { isKnownModel } from './routes/models';

const AZURE_PREFIX = '/openai';

/** The /v1 route path an Azure path stands for; undefined for a path outside /openai. */
export function azureApiPath(url: URL): string | undefined {
  if (!url.pathname.startsWith(`${AZURE_PREFIX}/`)) return undefined;
  const rest = url.pathname.slice(AZURE_PREFIX.length);
  if (rest.startsWith('/v1/')) return rest.slice('/v1'.length);
  if (!url.searchParams.get('api-version')) throw badRequest('Missing required query parameter: api-version.', 'api-version', 'missing_api_version');
  const scoped = /^\/deployments\/([^/]+)(\/.+)$/.exec(rest);
  if (!scoped) return rest;
  const deployment = decodeURIComponent(scoped[1]!);
  if (!isKnownModel(deployment)) {
    throw new ApiError(404, `The API deployment ${deployment} does not exist.`, 'invalid_request_error', null, 'DeploymentNotFound');
  }
  return scoped[2]!;
}
