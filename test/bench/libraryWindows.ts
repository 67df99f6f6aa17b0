// `npm run bench`: figures for the library shared by many windows on this machine, printed, never
// asserted. Appends per second from one writer process and from four (each its own thread, with
// and without following one another live, and all on one thread); opening a library of 1,000 threads with its index and without; and how long
// a message appended in one window takes to reach another (min / median / max).
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeIo } from '../../src/core/storage/io';
import { ThreadStore } from '../../src/core/library/threadStore';
import type { ThreadStoreOptions } from '../../src/core/library/threadStore';
import { dropIndex, textMessage } from '../unit/fakes/fixtures';
import { WindowProcess } from '../unit/fakes/windowProcess';
import { time } from './timing';

const WINDOW_SCRIPT = path.join(__dirname, '..', 'unit', 'fakes', 'libraryWindow.js');
const APPENDS = Number(process.env.BENCH_APPENDS ?? 1000);
const THREADS = Number(process.env.BENCH_THREADS ?? 1000);
const SAMPLES = 20;
const WIDTH = 58;
/** No index write during a measurement (each open would schedule one). */
const QUIET: ThreadStoreOptions = { indexDelayMs: 3_600_000 };

const print = (label: string, figure: string) => console.log(`${label.padEnd(WIDTH)} ${figure}`);

/**
 * Appends/s when `writers` processes each append `perWriter` small messages, one after another;
 * `follow`: each window also follows the others live (as windows do), catching up on each change.
 */
async function appendRate(dir: string, writers: number, perWriter: number, shared: boolean, follow = true): Promise<number> {
  const store = await ThreadStore.open(dir, QUIET);
  const threads = shared ? Array(writers).fill((await store.create({ backend: 'chat' })).id) : await Promise.all(Array.from({ length: writers }, async () => (await store.create({ backend: 'chat' })).id));
  await store.dispose();
  const windows = await Promise.all(Array.from({ length: writers }, (_, i) => WindowProcess.start(dir, `bench${i}`, follow ? 1000 : 0, WINDOW_SCRIPT)));
  try {
    const start = performance.now();
    await Promise.all(windows.map((w, i) => w.request({ type: 'appends', threadId: threads[i] as string, count: perWriter, size: 200 })));
    return (writers * perWriter) / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(windows.map((w) => w.exit()));
  }
}

/** Milliseconds from asking another window to append until this one hears of it, `SAMPLES` times. */
async function propagation(dir: string, options: ThreadStoreOptions): Promise<number[]> {
  const writer = await ThreadStore.open(dir, QUIET);
  const thread = await writer.create({ backend: 'chat' });
  await writer.dispose();
  const here = await ThreadStore.open(dir, { ...QUIET, ...options });
  const there = await WindowProcess.start(dir, 'there', 1000, WINDOW_SCRIPT);
  const samples: number[] = [];
  try {
    for (let n = 0; n < SAMPLES; n++) {
      const heard = new Promise<void>((resolve) => {
        const listener = here.onDidChange((event) => event.type === 'messages' && (listener.dispose(), resolve()));
      });
      const start = performance.now();
      await there.request({ type: 'append', threadId: thread.id, message: textMessage(thread.id, `p${n}`, 'hello', n) });
      await heard;
      samples.push(performance.now() - start);
      // Apart from the poll's rhythm, so the samples fall anywhere in its period.
      await new Promise((resolve) => setTimeout(resolve, 37 + n * 53));
    }
  } finally {
    await there.exit();
    await here.dispose();
  }
  return samples.sort((a, b) => a - b);
}

const spread = (samples: number[]) => `min ${samples[0]!.toFixed(1)}, median ${samples[Math.floor(samples.length / 2)]!.toFixed(1)}, max ${samples.at(-1)!.toFixed(1)} ms`;

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'threadline-bench-windows-'));
  const fresh = async (name: string) => path.join(root, name);
  try {
    console.log(`Threadline library, many windows: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    print(`appends/s, 1 writer process (${APPENDS} × 200 B, each awaited)`, `${(await appendRate(await fresh('one'), 1, APPENDS, false)).toFixed(0).padStart(9)} /s`);
    print(`appends/s, 4 writer processes, each its own thread`, `${(await appendRate(await fresh('four'), 4, APPENDS / 4, false)).toFixed(0).padStart(9)} /s`);
    print(`… the same, the windows not following one another`, `${(await appendRate(await fresh('deaf'), 4, APPENDS / 4, false, false)).toFixed(0).padStart(9)} /s`);
    print(`appends/s, 4 writer processes, all on one thread`, `${(await appendRate(await fresh('shared'), 4, APPENDS / 4, true)).toFixed(0).padStart(9)} /s`);

    const big = await fresh('big');
    const builder = await ThreadStore.open(big, QUIET);
    for (let t = 0; t < THREADS; t++) {
      const thread = await builder.create({ backend: 'chat', title: `Thread ${t}` });
      await Promise.all(Array.from({ length: 10 }, (_, m) => builder.append(thread.id, textMessage(thread.id, `m${m}`, `message ${m} of thread ${t}`, m))));
    }
    await builder.dispose();
    // Disposed after the timing, so no store's housekeeping is still writing when the folder goes.
    const opened: ThreadStore[] = [];
    const openBig = async () => {
      opened.push(await ThreadStore.open(big, QUIET));
    };
    await time(`open ${THREADS} threads, with the index`, openBig, 5, WIDTH);
    await time(`open ${THREADS} threads, without the index (files read)`, async () => {
      await dropIndex(big);
      await openBig();
    }, 5, WIDTH);
    await Promise.all(opened.map((store) => store.dispose()));

    print('append in one window → event in another (fs.watch)', spread(await propagation(await fresh('watched'), { watch: true })));
    print('… with polling only, every 1 s (no fs.watch)', spread(await propagation(await fresh('polled'), { watch: { pollMs: 1000 }, io: { ...nodeIo, watch: undefined } })));
  } finally {
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
  }
}

void main();
