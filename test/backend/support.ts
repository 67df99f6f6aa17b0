// Shared helpers for the backend tests: a stand-in per test file, SDK clients pointed at it,
// and a raw SSE reader for checking the wire framing the SDK hides.
import { after, before } from 'node:test';
import OpenAI from 'openai';
import type { ConnectionSettings } from '../../src/core/backend';
import { startStandIn } from '../stand-in/index';
import type { StandIn, StandInOptions } from '../stand-in/index';

export const TEST_KEY = 'sk-test-threadline-0001';

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

/** POSTs JSON with plain fetch and splits the SSE body into frames, exactly as sent. */
export async function postRawSse(standIn: StandIn, path: string, body: unknown): Promise<{ contentType: string | null; events: RawSseEvent[] }> {
  const res = await fetch(`${standIn.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const events = text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      return {
        event: lines.find((l) => l.startsWith('event: '))?.slice('event: '.length),
        data: lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length)).join('\n'),
      };
    });
  return { contentType: res.headers.get('content-type'), events };
}

/** The text of a conversation item, for assertions. */
export function itemText(item: { type: string; content?: unknown }): string {
  if (!Array.isArray(item.content)) return '';
  return item.content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
}
