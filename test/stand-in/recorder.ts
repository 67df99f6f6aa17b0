// What the stand-in remembers about each /v1 request, for assertions (retry counts, headers, bodies).
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestBody } from './router';
import type { Json } from './store';

export interface RecordedRequest {
  method: string;
  /** The full path without the query, e.g. `/v1/responses`. */
  path: string;
  query: Record<string, string>;
  /** A subset: Authorization (as sent: keys here are test keys), content negotiation, OpenAI-* and X-Stainless-*. */
  headers: Record<string, string>;
  /** JSON as sent; multipart as its fields plus file names and sizes; null when empty. */
  body: Json;
}

const KEPT_HEADERS = ['authorization', 'api-key', 'content-type', 'accept', 'user-agent', 'openai-organization', 'openai-project', 'openai-beta', 'idempotency-key', 'x-stand-in-fault'];

export function recordRequest(method: string, url: URL, headers: IncomingHttpHeaders, body: RequestBody): RecordedRequest {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (KEPT_HEADERS.includes(name) || name.startsWith('x-stainless-')) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: kept, body: recordedBody(body) };
}

function recordedBody(body: RequestBody): Json {
  switch (body.kind) {
    case 'none':
      return null;
    case 'json':
      return body.value;
    case 'multipart':
      return {
        fields: body.value.fields,
        files: body.value.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, bytes: f.data.length })),
      };
  }
}
