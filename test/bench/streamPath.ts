// `npm run bench`: the host's share of a long streamed reply, without a webview. A 20,001-delta
// reply from the stand-in through the openai SDK alone (the floor), then through the Responses
// backend and the chat services as the extension runs them, each delta joined for the panel as a
// panel joins them (at most one post a frame). Printed, never asserted.
import * as os from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { createChat } from '../../src/core/chat/createChat';
import { ThreadStore } from '../../src/core/library/threadStore';
import { DeltaPosts } from '../../src/host/panel/deltaPosts';
import { startStandIn } from '../stand-in';

const WORDS = Number(process.env.BENCH_STREAM_WORDS ?? 20_000);
const RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 5);
const prompt = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(' ');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const line = (label: string, value: string) => console.log(`${label.padEnd(64)} ${value}`);

async function main(): Promise<void> {
  const standIn = await startStandIn();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'threadline-stream-'));
  try {
    console.log(`Threadline stream path (host only): a ${WORDS + 1}-delta reply, median of ${RUNS}; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    const client = new OpenAI({ baseURL: standIn.baseUrl, apiKey: 'bench', maxRetries: 0 });
    const raw: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const started = performance.now();
      let deltas = 0;
      const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: prompt, stream: true });
      for await (const event of stream) if (event.type === 'response.output_text.delta') deltas++;
      if (i > 0) raw.push(performance.now() - started);
      if (deltas !== WORDS + 1) throw new Error(`expected ${WORDS + 1} deltas, got ${deltas}`);
    }
    line('openai SDK alone: request -> end of stream', `${median(raw).toFixed(0)} ms (${Math.round((WORDS + 1) / (median(raw) / 1000))} deltas/s)`);

    const store = await ThreadStore.open(dir);
    const backend = new ResponsesBackend({ baseUrl: standIn.baseUrl, getApiKey: async () => 'bench' });
    const { chat, threads, events } = createChat({ store, backendFor: () => backend, settings: () => ({ model: 'gpt-4.1-mini', backend: 'responses' }) });
    let posts = 0;
    const panel = new DeltaPosts(() => posts++);
    events.onEvent((e) => e.type === 'streamDelta' && panel.add(e));
    const whole: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const thread = await threads.createThread();
      posts = 0;
      const started = performance.now();
      const reply = await chat.send(thread.id, prompt);
      panel.flush();
      if (reply.status !== 'complete') throw new Error(reply.error);
      if (i > 0) whole.push(performance.now() - started);
    }
    line('send -> reply stored, through the chat services', `${median(whole).toFixed(0)} ms (${Math.round((WORDS + 1) / (median(whole) / 1000))} deltas/s, ${posts} panel posts)`);
    await store.dispose();
  } finally {
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
