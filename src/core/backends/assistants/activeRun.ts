// Sends are queued, not refused: OpenAI rejects a message (or a run) on a thread whose run is
// still going, so the backend waits for that run to end and then tries again.
import * as l10n from '@vscode/l10n';
import { setTimeout as sleep } from 'node:timers/promises';
import type OpenAI from 'openai';
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import { openai } from '../sdk';

const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;
/** How many times one send waits for someone else's run before it gives up. */
const MAX_WAITS = 5;

const ACTIVE_STATUSES: readonly Run['status'][] = ['queued', 'in_progress', 'requires_action', 'cancelling'];

/** "Can't add messages to thread_… while a run run_… is active." or "… already has an active run …" (400, or 409 on some servers). */
function isActiveRunError(err: unknown): boolean {
  return err instanceof openai().APIError && (err.status === 400 || err.status === 409) && /while a run .* is active|already has an active run/i.test(err.message);
}

/** Runs `operation`, waiting for the thread's active run to end whenever the server says one is in the way. */
export async function whenThreadIsFree<T>(client: OpenAI, threadId: string, signal: AbortSignal, operation: () => Promise<T>): Promise<T> {
  for (let waits = 0; ; waits++) {
    try {
      return await operation();
    } catch (err) {
      if (!isActiveRunError(err) || waits >= MAX_WAITS) throw err;
      await waitForActiveRuns(client, threadId, signal);
    }
  }
}

async function waitForActiveRuns(client: OpenAI, threadId: string, signal: AbortSignal): Promise<void> {
  const runs = await client.beta.threads.runs.list(threadId, { limit: 10 }, { signal });
  const active = runs.data.find((run) => ACTIVE_STATUSES.includes(run.status));
  // The list may lag the error; pause anyway so the retry is not immediate.
  if (!active) return void (await sleep(FIRST_POLL_MS, undefined, { signal }));
  let run = active;
  for (let delay = FIRST_POLL_MS; ACTIVE_STATUSES.includes(run.status); delay = Math.min(delay * 2, MAX_POLL_MS)) {
    if (run.status === 'requires_action') {
      throw new Error(l10n.t('This thread is waiting for a function result from another client (run {0}), so Threadline cannot add to it until that run ends or expires.', run.id));
    }
    await sleep(delay, undefined, { signal });
    run = await client.beta.threads.runs.retrieve(run.id, { thread_id: threadId }, { signal });
  }
}
