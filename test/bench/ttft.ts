// `npm run bench`: time to first token over the raw stream, printed, never asserted. The stand-in
// server (test/stand-in) in this process, the real `openai` SDK over real HTTP: from the request
// to the first `response.output_text.delta`, and to the stream's end, for a streamed response.
// What the panel adds on top is measured in the browser by test/bench/webview.mjs.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { startStandIn } from '../stand-in';

const RUNS = Number(process.env.BENCH_TTFT_RUNS ?? 30);

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, min ${sorted[0]!.toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const standIn = await startStandIn();
  try {
    console.log(`Threadline time to first token (raw stream): the stand-in and the openai SDK, ${RUNS} streamed responses; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    const client = new OpenAI({ baseURL: standIn.baseUrl, apiKey: 'bench', maxRetries: 0 });
    const first: number[] = [];
    const whole: number[] = [];
    let deltas = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const started = performance.now();
      const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: `Tell me about run ${i} of the first-token benchmark, word by word.`, stream: true });
      let firstAt: number | undefined;
      let count = 0;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') {
          firstAt ??= performance.now();
          count++;
        }
      }
      // The first few runs warm up the connection and the JIT.
      if (i < 3 || firstAt === undefined) continue;
      first.push(firstAt - started);
      whole.push(performance.now() - started);
      deltas = count;
    }
    console.log(`${'request -> first response.output_text.delta'.padEnd(52)} ${summary(first)}`);
    console.log(`${`request -> end of stream (${deltas} deltas)`.padEnd(52)} ${summary(whole)}`);
  } finally {
    await standIn.close();
  }
}

void main();
