// `Authorization: Bearer <key>` as OpenAI checks it: any non-empty key, or exactly `expected`.
// Azure OpenAI's `api-key: <key>` header is accepted the same way.
import { ApiError } from './errors';

export function checkAuthorization(header: string | undefined, expected: string | undefined, azureKey?: string): void {
  const key = /^Bearer (.+)$/i.exec(header ?? '')?.[1]?.trim() || azureKey?.trim();
  if (!key) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }
  if (expected !== undefined && key !== expected) {
    const shown = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(8)}${key.slice(-4)}` : '*'.repeat(key.length);
    throw new ApiError(401, `Incorrect API key provided: ${shown}. Check the key you set for this server.`, 'invalid_request_error', null, 'invalid_api_key');
  }
}
