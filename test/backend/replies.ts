// Shared helpers for reading a backend's reply: the text and done event of one that finished,
// or what the consumer saw before one failed, and how describeError words the failure.
import assert from 'node:assert/strict';
import type { ReplyEvent } from '../../src/core/backends/backend';
import { describeError } from '../../src/core/backends/errors';
import type { DescribedError, ErrorKind } from '../../src/core/backends/errors';

export type Done = Extract<ReplyEvent, { type: 'done' }>;

/** The text of a finished reply and its done event, which must come once, last. */
export function splitReply(events: ReplyEvent[]): { text: string; done: Done } {
  const done = events.at(-1);
  assert.ok(done?.type === 'done', 'the last event is done');
  assert.equal(events.filter((e) => e.type === 'done').length, 1, 'exactly one done');
  return { text: deltasOf(events).join(''), done };
}

export function deltasOf(events: ReplyEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'delta' ? [e.text] : []));
}

/** Plays a reply to its end; returns what the consumer saw and the error it ended with, if any. */
export async function settle(reply: AsyncIterable<ReplyEvent>, onDelta?: () => void): Promise<{ events: ReplyEvent[]; error: unknown }> {
  const events: ReplyEvent[] = [];
  try {
    for await (const event of reply) {
      events.push(event);
      if (event.type === 'delta') onDelta?.();
    }
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

/** Like settle, for a reply that must fail. */
export async function failing(reply: AsyncIterable<ReplyEvent>, onDelta?: () => void): Promise<{ events: ReplyEvent[]; error: unknown }> {
  const outcome = await settle(reply, onDelta);
  if (outcome.error === undefined) assert.fail(`the reply did not fail; it ended with ${JSON.stringify(outcome.events.at(-1))}`);
  return outcome;
}

/** Asserts the kind describeError gives `error` and phrases its message must contain. */
export function assertDescribed(error: unknown, kind: ErrorKind, ...phrases: RegExp[]): DescribedError {
  assert.ok(error, 'the reply failed');
  const described = describeError(error);
  assert.equal(described.kind, kind, `kind for ${String(error)}: ${described.message}`);
  for (const phrase of phrases) assert.match(described.message, phrase);
  return described;
}
