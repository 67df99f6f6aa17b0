// `npm run bench`: figures for one very long thread on this machine, printed, never asserted.
// Builds a 100,000-message thread (texts of 200 B to 4 KB, some with code) in a temp store, then
// times opening the store, the last page cold and warm, ten pages up in a row, a jump to a
// message in the middle, and a Chat Completions send's history under an 8k-token budget beside
// reading the whole thread; heap and RSS show that paging keeps memory bounded.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { historyFrom } from '../../src/core/backends/backend';
import { selectContext } from '../../src/core/backends/chat/context';
import type { Message } from '../../src/core/model';
import { countTextTokens } from '../../src/core/context/tokens';
import { ThreadStore } from '../../src/core/library/threadStore';
import { seededRandom } from '../unit/fakes/longThread';
import { time } from './timing';

const timeWide = <T>(label: string, run: () => Promise<T>, repeat = 1) => time(label, run, repeat, 58);

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const PAGE = 50;
const BATCH = 2_000;
const BUDGET = { maxPromptTokens: 8_000 };
const WORDS = 'thread message reply model token context stream panel server window budget cache index page search cursor offset'.split(' ');
const CODE = [
  'export async function pageOf(store: ThreadStore, id: string, before?: string) {',
  '  const { messages, hasOlder } = await store.page(id, { before, limit: 50 });',
  '  for (const message of messages) render(message);',
  '  return hasOlder ? messages[0]?.id : undefined;',
  '}',
].join('\n');

/** 200 B to 4 KB of prose, skewed short as chat is; every fifth reply carries a code block. */
function text(n: number, random: () => number): string {
  const target = 200 + Math.floor(random() ** 2 * 3800);
  let out = '';
  while (out.length < target) out += `${WORDS[Math.floor(random() * WORDS.length)]}${random() < 0.08 ? '.\n\n' : ' '}`;
  return n % 10 === 1 ? `${out}\n\n\`\`\`ts\n${CODE}\n\`\`\`\n` : out;
}

function message(threadId: string, n: number, random: () => number): Message {
  return { id: `msg_${n}`, threadId, role: n % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: text(n, random) }], createdAt: 1_700_000_000_000 + n * 1000, status: 'complete' };
}

function heapAndRss(): string {
  const { heapUsed, rss } = process.memoryUsage();
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `heap used ${mb(heapUsed)}, RSS ${mb(rss)}`;
}

function memory(label: string): void {
  console.log(`${`memory ${label}`.padEnd(58)} ${heapAndRss()}`);
}

/** Lets the collector run when Node was started with --expose-gc, so heap figures mean something. */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'threadline-transcript-'));
  try {
    console.log(`Threadline transcript benchmark: one thread of ${MESSAGES} messages; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    const writer = await ThreadStore.open(dir);
    const thread = await writer.create({ backend: 'chat', title: 'A very long thread' });
    const random = seededRandom(42);
    await timeWide(`write ${MESSAGES} messages (store appends, ${BATCH} per burst)`, async () => {
      for (let from = 0; from < MESSAGES; from += BATCH) {
        const burst: Promise<unknown>[] = [];
        for (let n = from; n < Math.min(MESSAGES, from + BATCH); n++) burst.push(writer.append(thread.id, message(thread.id, n, random)));
        await Promise.all(burst);
      }
    });
    // The message a send would have just stored: its history is everything before it.
    const input: Message = { id: 'msg_input', threadId: thread.id, role: 'user', content: [{ type: 'text', text: 'What did we decide about the cursor cache?' }], createdAt: Date.now(), status: 'complete' };
    await writer.append(thread.id, input);
    // The writing window closes: its index goes to disk, as a window's does when it closes.
    await writer.dispose();
    const bytes = (await stat(path.join(dir, 'threads', `${thread.id}.jsonl`))).size;
    console.log(`thread file: ${(bytes / 1024 / 1024).toFixed(1)} MB, ${MESSAGES + 1} messages`);

    settle();
    memory('before reading');
    const store = await timeWide('open the store', () => ThreadStore.open(dir));
    const last = await timeWide(`last page (${PAGE} messages), cold: first read of a fresh store`, () => store.page(thread.id, { limit: PAGE }));
    await timeWide(`last page (${PAGE} messages), warm`, () => store.page(thread.id, { limit: PAGE }), 20);

    let before = last.messages[0]?.id;
    const pageTimes: string[] = [];
    const tenStart = performance.now();
    for (let i = 0; i < 10 && before; i++) {
      const start = performance.now();
      const page = await store.page(thread.id, { before, limit: PAGE });
      pageTimes.push((performance.now() - start).toFixed(1));
      before = page.messages[0]?.id;
    }
    console.log(`${'10 pages up in a row, each (ms)'.padEnd(58)} ${pageTimes.join(', ')}`);
    console.log(`${'10 pages up in a row, total'.padEnd(58)} ${(performance.now() - tenStart).toFixed(1).padStart(9)} ms (reached ${before})`);

    const middle = `msg_${Math.floor(MESSAGES / 2)}`;
    const around = await timeWide(`pageAround ${middle} (${PAGE}), cold: searches the file`, () => store.pageAround(thread.id, middle, PAGE));
    await timeWide(`pageAround ${middle} (${PAGE}), again: cursor hit`, () => store.pageAround(thread.id, middle, PAGE), 10);
    await timeWide(`page up from that jump (${PAGE})`, () => store.page(thread.id, { before: around.messages[0]!.id, limit: PAGE }), 10);
    settle();
    memory('after paging');

    countTextTokens('load the tokenizer before timing');
    const lazy = await timeWide('send history, Chat Completions, 8k budget (lazy, from store)', () => selectContext(store.historyBefore(thread.id, input.id), input, BUDGET, undefined), 5);
    console.log(`  sent ${lazy.messages.length - 1} history messages, named ${lazy.omittedMessageIds.length} left out`);
    settle();
    memory('after lazy history (the tokenizer now loaded)');
    let holding = '';
    const whole = await timeWide('send history, the old way: messages(), then the same pick', async () => {
      const all = await store.messages(thread.id);
      holding = heapAndRss();
      return selectContext(historyFrom(all.slice(0, -1)), input, BUDGET, undefined);
    });
    console.log(`  sent ${whole.messages.length - 1} history messages, named ${whole.omittedMessageIds.length} left out`);
    console.log(`${'memory holding the whole thread (old way)'.padEnd(58)} ${holding}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
