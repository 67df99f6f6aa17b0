// Shared helpers for the backend tests: a stand-in per test file, SDK clients pointed at it,
// plain-fetch calls, and a raw SSE reader for checking the wire framing the SDK hides.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import OpenAI from 'openai';
import type { ConnectionSettings } from '../../src/core/backends/backend';
import { startStandIn } from '../stand-in/index';
import type { StandIn, StandInOptions } from '../stand-in/index';

export const TEST_KEY = 'sk-test-threadline-0001';
/** The header every Assistants v2 request carries. */
export const ASSISTANTS_BETA = { 'openai-beta': 'assistants=v2' } as const;

/** Starts a stand-in before the file's tests and closes it after; read `.current` inside tests. */
export function standInForFile(options: StandInOptions = {}): { readonly current: StandIn } {
  let standIn: StandIn | undefined;
  before(async () => {
    standIn = await startStandIn({ apiKey: TEST_KEY, ...options });
  });
  after(async () => {
    await standIn?.close();
  });
  return {
    get current(): StandIn {
      if (!standIn) throw new Error('The stand-in has not started yet.');
      return standIn;
    },
  };
}

/** The real SDK against the stand-in. No retries unless a test asks, so failures stay single attempts. */
export function sdkClient(standIn: StandIn, options: { maxRetries?: number; timeout?: number; apiKey?: string } = {}): OpenAI {
  return new OpenAI({ baseURL: standIn.baseUrl, apiKey: options.apiKey ?? TEST_KEY, maxRetries: options.maxRetries ?? 0, timeout: options.timeout ?? 10_000 });
}

export function settingsFor(standIn: StandIn, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return { baseUrl: standIn.baseUrl, getApiKey: async () => TEST_KEY, maxRetries: 0, timeoutMs: 10_000, ...overrides };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export interface RawSseEvent {
  event: string | undefined;
  data: string;
}

/** POSTs JSON with plain fetch (plus `headers`), expects a 200 and splits the SSE body into frames, exactly as sent. */
export async function postRawSse(standIn: StandIn, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ contentType: string | null; events: RawSseEvent[] }> {
  const res = await fetch(`${standIn.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) assert.fail(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return { contentType: res.headers.get('content-type'), events: parseSseFrames(await res.text()) };
}

/** Splits an SSE body into its frames; a frame's data lines are joined with newlines. */
function parseSseFrames(text: string): RawSseEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      return {
        event: lines.find((l) => l.startsWith('event: '))?.slice('event: '.length),
        data: lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length)).join('\n'),
      };
    });
}

/**
 * Calls the stand-in with plain fetch (FormData as is, anything else as JSON), checks the status
 * and that the answer is JSON, and returns the parsed body.
 */
export async function fetchJson(
  standIn: StandIn,
  method: string,
  apiPath: string,
  options: { body?: unknown; expectStatus?: number; headers?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const { body, expectStatus = 200 } = options;
  const headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}`, ...options.headers };
  const init: RequestInit = { method, headers };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${standIn.baseUrl}${apiPath}`, init);
  assert.equal(res.status, expectStatus, `${method} ${apiPath}`);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return (await res.json()) as Record<string, unknown>;
}

/** The `id` of an API object, asserting it has one. */
export function idOf(value: unknown): string {
  assert.ok(value && typeof value === 'object' && 'id' in value && typeof value.id === 'string', `no id in ${JSON.stringify(value)}`);
  return value.id;
}

/** The text of a conversation item, for assertions. */
export function itemText(item: { type: string; content?: unknown }): string {
  if (!Array.isArray(item.content)) return '';
  return item.content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
}

/** Conversation items as [role (or item type), text] pairs, to compare a whole conversation at once. */
export function transcript(items: ReadonlyArray<{ type: string; role?: string; content?: unknown }>): Array<[string, string]> {
  return items.map((item) => [item.type === 'message' && item.role ? item.role : item.type, itemText(item)]);
}
