// Threads of the Assistants v2 family (openai-wire.md §2.1, §2.3): create (with messages),
// retrieve, modify, delete, and under them messages, runs and run steps. There is no
// "list threads" route: OpenAI has none.
import { jsonObject } from '../body';
import { parseMetadata } from '../metadata';
import { findThread } from './assistants/family';
import type { AssistantsFamily, BetaRouter } from './assistants/family';
import { registerMessageRoutes } from './assistants/messages';
import { registerRunRoutes } from './assistants/runs';
import { newThread, toolResources } from './assistants/threadRecords';

export function registerThreadRoutes(add: BetaRouter, family: AssistantsFamily): void {
  // Runs first: POST /threads/runs must not be taken for a thread id.
  registerRunRoutes(add, family);
  registerMessageRoutes(add, family);

  add('POST', '/threads', ({ body, state }) => {
    const record = newThread(jsonObject(body), '', state);
    family.threads.set(record.thread.id, record);
    return { json: record.thread };
  });

  add('GET', '/threads/:thread_id', ({ params }) => ({ json: findThread(family, params.thread_id).thread }));

  add('POST', '/threads/:thread_id', ({ params, body }) => {
    const { thread } = findThread(family, params.thread_id);
    const update = jsonObject(body);
    if ('metadata' in update) thread.metadata = parseMetadata(update.metadata);
    if ('tool_resources' in update) thread.tool_resources = toolResources(update.tool_resources, 'tool_resources');
    return { json: thread };
  });

  add('DELETE', '/threads/:thread_id', ({ params }) => {
    const { thread } = findThread(family, params.thread_id);
    family.threads.delete(thread.id);
    return { json: { id: thread.id, object: 'thread.deleted', deleted: true } };
  });
}
