// `npm run bench`: figures for the thread library on this machine, printed, never asserted.
// Builds 1,000 threads × 100 messages in a temp store, then times opening the store, reading a
// thread's last page, and full-text search (a rare word, a common word, a miss, and misses that
// no raw-text pre-check can rule out).
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Message } from '../../src/core/model';
import { searchThreads } from '../../src/core/library/search';
import { ThreadStore } from '../../src/core/library/threadStore';
import { time } from './timing';

const THREADS = Number(process.env.BENCH_THREADS ?? 1000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const WORDS = 'thread message reply model token context stream panel server window budget cache index page search'.split(' ');

function sentence(seed: number): string {
  const words: string[] = [];
  for (let i = 0; i < 24; i++) words.push(WORDS[(seed * 31 + i * 7) % WORDS.length]!);
  return words.join(' ');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'threadline-bench-'));
  try {
    console.log(`Threadline library benchmark: ${THREADS} threads × ${MESSAGES} messages; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    const store = await ThreadStore.open(dir);
    await time(`write ${THREADS * MESSAGES} messages`, async () => {
      for (let t = 0; t < THREADS; t++) {
        const thread = await store.create({ backend: 'responses', title: `Thread ${t}: ${sentence(t).slice(0, 40)}` });
        const batch: Promise<unknown>[] = [];
        for (let m = 0; m < MESSAGES; m++) {
          const text = t === THREADS - 1 && m === MESSAGES / 2 ? `${sentence(m)} xylophone` : sentence(t * MESSAGES + m);
          const message: Message = { id: `msg_${t}_${m}`, threadId: thread.id, role: m % 2 ? 'assistant' : 'user', content: [{ type: 'text', text }], createdAt: Date.now(), status: 'complete' };
          batch.push(store.append(thread.id, message));
        }
        await Promise.all(batch);
      }
    });
    // The index is written a moment after the last change; a window that closes writes it at once.
    await store.dispose();
    const reopened = await time('open the store (index of all threads)', () => ThreadStore.open(dir), 5);
    const last = reopened.list()[0]!;
    await time('read the last 50 messages of a thread', () => reopened.lastMessages(last.id, 50), 20);
    await time('read a whole 100-message thread', () => reopened.messages(last.id), 20);
    const rare = await time('search a rare word ("xylophone")', () => searchThreads(reopened, 'xylophone'), 5);
    const common = await time('search two common words ("token budget", 200 hits max)', () => searchThreads(reopened, 'token budget'), 5);
    const miss = await time('search a word that is nowhere ("zzzz")', () => searchThreads(reopened, 'zzzz'), 5);
    // Words every thread's file holds outside message text ("assistant" is a role), and words with
    // punctuation, which JSON may escape: no thread can be skipped unread by its raw text.
    const role = await time('search a role word no message has ("assistant")', () => searchThreads(reopened, 'assistant'), 5);
    const punctuated = await time('search punctuation that is nowhere ("c++")', () => searchThreads(reopened, 'c++'), 5);
    console.log(`hits: rare ${rare.length}, common ${common.length}, miss ${miss.length}, role ${role.length}, punctuated ${punctuated.length}`);
    console.log(`heap used after search: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1)} MB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
