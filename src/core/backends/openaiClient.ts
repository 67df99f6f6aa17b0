// Builds the SDK client for one connection. Every option is passed explicitly (null rather than
// undefined) so the SDK never falls back to OPENAI_* environment variables of the user's shell.
import * as l10n from '@vscode/l10n';
import type OpenAI from 'openai';
import type { ConnectionSettings } from './backend';
import { noApiKeyError } from './errors';
import { openai } from './sdk';

export function createOpenAIClient(settings: ConnectionSettings): OpenAI {
  // A function, so the key is read from the secret store per request and a new key applies at once.
  const readKey = async () => {
    const key = (await settings.getApiKey())?.trim();
    if (!key) throw noApiKeyError();
    return key;
  };
  if (settings.azureDeployment) return createAzureClient(settings, settings.azureDeployment, readKey);
  return new (openai().OpenAI)({
    baseURL: settings.baseUrl,
    apiKey: readKey,
    organization: settings.organization || null,
    project: settings.project || null,
    ...(settings.keyHeader === 'api-key' ? { fetch: keyInApiKeyHeader(settings.fetch ?? fetch) } : settings.fetch ? { fetch: settings.fetch } : {}),
    ...(settings.query ? { defaultQuery: settings.query } : {}),
    ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
  });
}

/**
 * Azure's deployment API: the SDK's AzureOpenAI client puts the deployment into the paths that
 * take one (chat completions) and `api-version` on every request. It takes a per-request
 * credential only as a token provider, which it sends as a bearer token, so the key is read the
 * same way as above and moved to the `api-key` header on the way out.
 */
function createAzureClient(settings: ConnectionSettings, azure: NonNullable<ConnectionSettings['azureDeployment']>, readKey: () => Promise<string>): OpenAI {
  const missing = (['endpoint', 'deployment', 'apiVersion'] as const).filter((key) => !azure[key]);
  if (missing.length) {
    throw new Error(l10n.t("Azure OpenAI's deployments path needs {0} in your user settings.", missing.map((key) => `threadline.azure.${key}`).join(', ')));
  }
  return new (openai().AzureOpenAI)({
    // Explicit, so the SDK does not fall back to OPENAI_BASE_URL / AZURE_OPENAI_API_KEY from the
    // environment (which would also make it refuse the endpoint or the token provider).
    baseURL: null,
    apiKey: '',
    endpoint: azure.endpoint,
    deployment: azure.deployment,
    apiVersion: azure.apiVersion,
    azureADTokenProvider: readKey,
    organization: settings.organization || null,
    project: settings.project || null,
    fetch: keyInApiKeyHeader(settings.fetch ?? fetch),
    ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
  });
}

/**
 * Azure OpenAI wants the key as `api-key: <key>`. The SDK always sends it as a bearer token, so
 * the header is moved on the way out rather than keeping a second copy of the key around.
 */
function keyInApiKeyHeader(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    const auth = headers.get('authorization');
    if (auth?.startsWith('Bearer ')) {
      headers.set('api-key', auth.slice('Bearer '.length));
      headers.delete('authorization');
    }
    return inner(input, { ...init, headers });
  };
}
