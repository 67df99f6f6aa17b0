// The assistants on a server, for the picker: list them, or create one with a model and
// instructions. Listing follows the cursor across pages; the SDK adds the Assistants beta header.
import type { ConnectionSettings } from '../backend';
import { createOpenAIClient } from '../openaiClient';

export interface AssistantSummary {
  id: string;
  name: string;
  model: string;
  instructions: string;
}

export async function listAssistants(settings: ConnectionSettings): Promise<AssistantSummary[]> {
  const found: AssistantSummary[] = [];
  for await (const a of createOpenAIClient(settings).beta.assistants.list({ limit: 100 })) {
    found.push({ id: a.id, name: a.name ?? '', model: a.model, instructions: a.instructions ?? '' });
  }
  return found;
}

export async function createAssistant(settings: ConnectionSettings, init: { name: string; model: string; instructions: string }): Promise<AssistantSummary> {
  const a = await createOpenAIClient(settings).beta.assistants.create({
    name: init.name,
    model: init.model,
    ...(init.instructions ? { instructions: init.instructions } : {}),
    tools: [{ type: 'code_interpreter' }, { type: 'file_search' }],
  });
  return { id: a.id, name: a.name ?? '', model: a.model, instructions: a.instructions ?? '' };
}
