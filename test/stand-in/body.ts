// Reading request bodies: the raw bytes, then JSON or multipart by Content-Type.
import type { IncomingMessage } from 'node:http';
import { badRequest } from './errors';
import { boundaryOf, parseMultipart } from './multipart';
import type { RequestBody } from './router';
import type { JsonObject } from './store';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseBody(raw: Buffer, contentType: string | undefined): RequestBody {
  if (raw.length === 0) return { kind: 'none' };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const boundary = boundaryOf(contentType ?? '');
    if (!boundary) throw badRequest('The multipart body has no boundary in its Content-Type.');
    try {
      return { kind: 'multipart', value: parseMultipart(raw, boundary) };
    } catch (err) {
      throw badRequest(`Could not parse the multipart body: ${(err as Error).message}.`);
    }
  }
  try {
    return { kind: 'json', value: JSON.parse(raw.toString('utf8')) };
  } catch {
    throw badRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
    );
  }
}

/** The JSON body as an object; `{}` when there is none, 400 for anything else. */
export function jsonObject(body: RequestBody): JsonObject {
  if (body.kind === 'none') return {};
  if (body.kind === 'json' && body.value && typeof body.value === 'object' && !Array.isArray(body.value)) return body.value;
  throw badRequest('The request body must be a JSON object.');
}
