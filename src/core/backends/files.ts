// Files API upload shared by the dialects that reference files by id (Responses, Assistants).
//
// The SDK's `toFile` buffers the whole file into a `File` and gives no progress hook, so the
// bytes are handed over as a streaming file instead: an async iterable of chunks that reports
// each chunk as the request body pulls it. Progress is therefore "read into the request", one
// chunk ahead of the socket at most. The SDK never retries a request with a streaming body, so
// an upload that hits a 429 or 5xx fails at once rather than being resent.
import type OpenAI from 'openai';
import type { UploadRequest } from './backend';
import { openai } from './sdk';

const CHUNK_BYTES = 64 * 1024;

export async function uploadFile(client: OpenAI, request: UploadRequest): Promise<{ fileId: string }> {
  const file = openai().toStreamingFile(chunks(request), request.name, { type: request.mime || 'application/octet-stream' });
  const created = await client.files.create({ file, purpose: request.purpose }, request.signal ? { signal: request.signal } : undefined);
  return { fileId: created.id };
}

async function* chunks({ data, onProgress }: UploadRequest): AsyncGenerator<Uint8Array> {
  const total = data.byteLength;
  onProgress?.(0, total);
  for (let offset = 0; offset < total; offset += CHUNK_BYTES) {
    const chunk = data.subarray(offset, Math.min(offset + CHUNK_BYTES, total));
    yield chunk;
    onProgress?.(offset + chunk.byteLength, total);
  }
}
