// Runs and run steps (openai-wire.md §2.1, §2.5, §2.6): create (JSON or SSE), create thread and
// run, list, retrieve, update, cancel, and the message_creation steps a run leaves behind.
import { jsonObject } from '../../body';
import { badRequest, notFound } from '../../errors';
import { parseMetadata } from '../../metadata';
import type { Reply, RouteContext } from '../../router';
import { assistantsDialect, SseWriter } from '../../sse';
import type { Json, JsonObject } from '../../store';
import { activeRun, findAssistant, findRun, findThread } from './family';
import type { AssistantsFamily, BetaRouter, RunEvent, RunRecord, ThreadRecord } from './family';
import { advance, createRun, runLifecycle } from './execution';
import { paginateBothWays } from './lists';
import { parseMessages } from './messages';
import { newThread } from './threadRecords';

export function registerRunRoutes(add: BetaRouter, family: AssistantsFamily): void {
  // Before POST /threads/:thread_id, which would otherwise take "runs" for a thread id.
  add('POST', '/threads/runs', (ctx) => {
    const params = jsonObject(ctx.body);
    const assistant = findAssistant(family, requiredAssistantId(params), 'assistant_id');
    const threadParams = params.thread ?? {};
    if (!threadParams || typeof threadParams !== 'object' || Array.isArray(threadParams)) {
      throw badRequest("Invalid type for 'thread': expected an object.", 'thread', 'invalid_type');
    }
    const thread = newThread(threadParams, 'thread.', ctx.state);
    const record = createRun(thread, assistant, params, []);
    family.threads.set(thread.thread.id, thread);
    return start(ctx, thread, record, params, [['thread.created', thread.thread]]);
  });

  add('POST', '/threads/:thread_id/runs', (ctx) => {
    const thread = findThread(family, ctx.params.thread_id);
    const params = jsonObject(ctx.body);
    const assistant = findAssistant(family, requiredAssistantId(params), 'assistant_id');
    const active = activeRun(thread);
    if (active) throw badRequest(`Thread ${thread.thread.id} already has an active run ${active.run.id}.`);
    const additional = parseMessages(params.additional_messages, 'additional_messages', thread.thread.id, ctx.state);
    return start(ctx, thread, createRun(thread, assistant, params, additional), params, []);
  });

  add('GET', '/threads/:thread_id/runs', ({ params, query }) => ({
    json: paginateBothWays(findThread(family, params.thread_id).runs.map((r) => r.run), query),
  }));

  add('GET', '/threads/:thread_id/runs/:run_id', async ({ params }) => {
    const record = findRun(findThread(family, params.thread_id), params.run_id);
    await advance(record);
    return { json: record.run };
  });

  add('POST', '/threads/:thread_id/runs/:run_id', ({ params, body }) => {
    const { run } = findRun(findThread(family, params.thread_id), params.run_id);
    const update = jsonObject(body);
    if ('metadata' in update) run.metadata = parseMetadata(update.metadata);
    return { json: run };
  });

  add('POST', '/threads/:thread_id/runs/:run_id/cancel', ({ params }) => {
    const record = findRun(findThread(family, params.thread_id), params.run_id);
    const { run } = record;
    if (run.status === 'cancelling') return { json: run };
    if (run.status !== 'queued' && run.status !== 'in_progress' && run.status !== 'requires_action') {
      throw badRequest(`Cannot cancel run with status '${run.status}'.`);
    }
    record.cancelRequested = true;
    run.status = 'cancelling';
    return { json: run };
  });

  add('POST', '/threads/:thread_id/runs/:run_id/submit_tool_outputs', ({ params }) => {
    const { run } = findRun(findThread(family, params.thread_id), params.run_id);
    // The stand-in's assistant calls no functions, so no run ever waits for tool outputs.
    throw badRequest(`Runs in status "${run.status}" do not accept tool outputs.`);
  });

  add('GET', '/threads/:thread_id/runs/:run_id/steps', ({ params, query }) => ({
    json: paginateBothWays(findRun(findThread(family, params.thread_id), params.run_id).steps, query),
  }));

  add('GET', '/threads/:thread_id/runs/:run_id/steps/:step_id', ({ params }) => {
    const step = findRun(findThread(family, params.thread_id), params.run_id).steps.find((s) => s.id === params.step_id);
    if (!step) throw notFound(`No run step found with id '${params.step_id}'.`);
    return { json: step };
  });
}

/** Streams the run, or answers with it queued and leaves it to advance on retrieves. */
async function start(ctx: RouteContext, thread: ThreadRecord, record: RunRecord, params: JsonObject, prefix: RunEvent[]): Promise<Reply | void> {
  const failWith = ctx.fault?.failResponse ? { code: ctx.fault.code ?? 'server_error', message: ctx.fault.message ?? 'Sorry, something went wrong.' } : undefined;
  // Streaming is decided by the body, never by Accept: the SDK always sends application/json.
  const streamed = params.stream === true;
  const lifecycle = runLifecycle(thread, record, { state: ctx.state, paceMs: streamed ? ctx.deltaDelayMs : 0, ...(failWith ? { failWith } : {}) });
  if (!streamed) {
    record.pending = lifecycle;
    return { json: record.run };
  }
  const sse = new SseWriter(ctx.res, assistantsDialect, ctx.fault, ctx.requestId);
  for (const event of prefix) await sse.send(event);
  // The run goes on when the client leaves (as OpenAI's do), so it always reaches an end state.
  for await (const event of lifecycle) {
    await sse.send(event);
    const error = sse.errorSent;
    if (error && !record.failure) record.failure = { code: error.code, message: error.message };
  }
  await sse.finish();
}

function requiredAssistantId(params: JsonObject): string {
  const id: Json | undefined = params.assistant_id;
  if (typeof id !== 'string' || !id) throw badRequest("Missing required parameter: 'assistant_id'.", 'assistant_id', 'missing_required_parameter');
  return id;
}
