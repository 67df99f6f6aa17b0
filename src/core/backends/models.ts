// The models a server offers, for the model picker; also a cheap "is the server up" probe
// (openai-wire.md §5.3). Shared by every dialect: all of them serve GET /models.
import type { ConnectionSettings } from './backend';
import { createOpenAIClient } from './openaiClient';

/** Model ids in the order the server lists them. Throws the SDK's errors (see `describeError`). */
export async function listModels(settings: ConnectionSettings, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  for await (const model of createOpenAIClient(settings).models.list(signal ? { signal } : undefined)) ids.push(model.id);
  return ids;
}
