// Threadline's own assistant per server, account and model: found by its metadata, created when
// missing, and remembered for the life of the extension host. Backends are built per send, so
// the memory is module-wide; a failed lookup is forgotten so the next send tries again.
import type OpenAI from 'openai';
import type { ConnectionSettings } from '../backend';

const known = new Map<string, Promise<string>>();

const THREADLINE_ASSISTANT_NAME = 'Threadline';

export interface AssistantLookup {
  settings: ConnectionSettings;
  model: string;
  instructions?: string;
}

export function threadlineAssistant(client: OpenAI, lookup: AssistantLookup): Promise<string> {
  const key = keyOf(lookup);
  let id = known.get(key);
  if (!id) {
    id = findOrCreate(client, lookup);
    known.set(key, id);
    const pending = id;
    pending.catch(() => {
      if (known.get(key) === pending) known.delete(key);
    });
  }
  return id;
}

/** Drops a remembered id, e.g. after the server said that assistant no longer exists. */
export function forgetThreadlineAssistant(lookup: AssistantLookup): void {
  known.delete(keyOf(lookup));
}

async function findOrCreate(client: OpenAI, { model, instructions }: AssistantLookup): Promise<string> {
  for await (const assistant of client.beta.assistants.list({ limit: 100 })) {
    if (assistant.metadata?.threadline === 'default' && assistant.metadata.model === model) return assistant.id;
  }
  const created = await client.beta.assistants.create({
    name: THREADLINE_ASSISTANT_NAME,
    model,
    ...(instructions ? { instructions } : {}),
    tools: [{ type: 'code_interpreter' }, { type: 'file_search' }],
    metadata: { threadline: 'default', model },
  });
  return created.id;
}

/** Another organization or project is another account, with its own assistants. */
function keyOf({ settings, model }: AssistantLookup): string {
  return JSON.stringify([settings.baseUrl, settings.organization ?? '', settings.project ?? '', model]);
}
