// Builds the SDK client for one connection. Every option is passed explicitly (null rather than
// undefined) so the SDK never falls back to OPENAI_* environment variables of the user's shell.
import OpenAI from 'openai';
import type { ConnectionSettings } from '../backend';
import { NoApiKeyError } from '../errors';

export function createOpenAIClient(settings: ConnectionSettings): OpenAI {
  return new OpenAI({
    baseURL: settings.baseUrl,
    // A function, so the key is read from the secret store per request and a new key applies at once.
    apiKey: async () => {
      const key = (await settings.getApiKey())?.trim();
      if (!key) throw new NoApiKeyError();
      return key;
    },
    organization: settings.organization || null,
    project: settings.project || null,
    ...(settings.keyHeader === 'api-key' ? { fetch: keyInApiKeyHeader(settings.fetch ?? fetch) } : settings.fetch ? { fetch: settings.fetch } : {}),
    ...(settings.query ? { defaultQuery: settings.query } : {}),
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
