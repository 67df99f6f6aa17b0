// Fetches what a citation points at: an uploaded or generated file's bytes and name, so the
// host can open it. Container files (code interpreter output in Responses) have their own path.
import type { ConnectionSettings } from './backend';
import { createOpenAIClient } from './openaiClient';

export interface DownloadedFile {
  name: string;
  data: Uint8Array;
}

export async function downloadFile(settings: ConnectionSettings, fileId: string, options: { containerId?: string; name?: string } = {}): Promise<DownloadedFile> {
  const client = createOpenAIClient(settings);
  if (options.containerId) {
    const response = await client.containers.files.content.retrieve(fileId, { container_id: options.containerId });
    return { name: options.name ?? fileId, data: new Uint8Array(await response.arrayBuffer()) };
  }
  const [meta, response] = await Promise.all([options.name ? undefined : client.files.retrieve(fileId), client.files.content(fileId)]);
  return { name: options.name ?? meta?.filename ?? fileId, data: new Uint8Array(await response.arrayBuffer()) };
}

/** An uploaded or generated file's name (one request; callers cache). */
export async function fetchFileName(settings: ConnectionSettings, fileId: string): Promise<string> {
  return (await createOpenAIClient(settings).files.retrieve(fileId)).filename;
}
