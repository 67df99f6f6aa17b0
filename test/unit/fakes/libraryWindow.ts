// A child process standing in for one VS Code window on a shared library (multiProcess.test.ts,
// the library bench). `node libraryWindow.js <dir> <name> <pollMs>` opens the store following
// the other windows live (not at all when `pollMs` is 0) and takes commands over IPC:
//   {type:'random', seed, log, largeEvery}  random creates, appends (small and large), renames,
//                              pins, archives, deletes and restores until 'stop'; each operation
//                              the store acknowledged is logged to `log` (a JSON line written only
//                              after the store resolved; an intent line before meta changes)
//   {type:'appends', threadId, count, size}  appends one after another, then replies
//   {type:'create' | 'append' | 'delete' | 'list' | 'events' | 'stop' | 'exit', …}
//   {type:'append-then-die' | 'create-then-die', …}  a window that crashes right after the ack
// Replies carry the command's `seq`. Library events are forwarded when 'events' asked for them.
import { appendFileSync } from 'node:fs';
import { errorText } from '../../../src/core/errorText';
import { LibraryUnavailableError } from '../../../src/core/library/health';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { Message, ThreadMeta } from '../../../src/core/model';
import { seededRandom } from './longThread';
import { textMessage } from './fixtures';

export type WindowCommand =
  | { type: 'random'; seed: number; log: string; largeEvery: number }
  | { type: 'appends'; threadId: string; count: number; size: number }
  | { type: 'create'; title: string }
  | { type: 'append'; threadId: string; message: Message }
  /** Killed (SIGKILL, by itself) the moment the store acknowledged the message or thread. */
  | { type: 'append-then-die'; threadId: string; message: Message }
  | { type: 'create-then-die'; title: string }
  | { type: 'delete'; threadId: string }
  | { type: 'list' }
  | { type: 'events' }
  | { type: 'stop' }
  | { type: 'exit' };

/** One line of a window's log. `by` names the process (window name and restart). */
export type LogLine =
  | { op: 'create'; by: string; thread: string; title: string }
  | { op: 'append'; by: string; thread: string; msg: string; length: number }
  | { op: 'append-failed'; by: string; thread: string; msg: string; why: string }
  | { op: 'try-meta' | 'meta' | 'meta-failed'; by: string; thread: string; field: 'title' | 'pinned' | 'archived'; value: string | boolean }
  | { op: 'delete' | 'restore'; by: string; thread: string };

const [dir, name, pollMs] = process.argv.slice(2) as [string, string, string];
let stopping = false;
let running: Promise<void> | undefined;

async function main(): Promise<void> {
  const store = await ThreadStore.open(dir, Number(pollMs) > 0 ? { watch: { pollMs: Number(pollMs) } } : {});
  const reply = (seq: unknown, value: unknown = null) => process.send?.({ seq, value });
  process.on('message', (raw: WindowCommand & { seq: number }) => {
    void handle(store, raw).then(
      (value) => reply(raw.seq, value),
      (err: unknown) => process.send?.({ seq: raw.seq, error: errorText(err) }),
    );
  });
  process.send?.({ ready: true });
}

async function handle(store: ThreadStore, command: WindowCommand): Promise<unknown> {
  switch (command.type) {
    case 'random':
      running = randomWork(store, command);
      return null;
    case 'appends': {
      for (let n = 0; n < command.count; n++) await store.append(command.threadId, textMessage(command.threadId, `${name}-${n}`, 'x'.repeat(command.size), n));
      return null;
    }
    case 'create':
      return store.create({ backend: 'chat', title: command.title });
    case 'append':
      return store.append(command.threadId, command.message);
    case 'append-then-die':
      await store.append(command.threadId, command.message);
      return process.kill(process.pid, 'SIGKILL');
    case 'create-then-die':
      await store.create({ backend: 'chat', title: command.title });
      return process.kill(process.pid, 'SIGKILL');
    case 'delete':
      return store.delete(command.threadId);
    case 'list':
      return store.list();
    case 'events':
      store.onDidChange((event) => process.send?.({ event }));
      return null;
    case 'stop':
      stopping = true;
      await running;
      return null;
    case 'exit':
      await store.dispose();
      setImmediate(() => process.exit(0));
      return null;
  }
}

/** Random library work until told to stop; every acknowledged operation logged. */
async function randomWork(store: ThreadStore, options: { seed: number; log: string; largeEvery: number }): Promise<void> {
  const random = seededRandom(options.seed);
  const log = (line: LogLine) => appendFileSync(options.log, `${JSON.stringify(line)}\n`);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  let n = 0;
  while (!stopping) {
    const threads = store.list();
    const roll = random();
    try {
      if (threads.length < 4 || roll < 0.04) {
        const title = `${name} thread ${n++}`;
        const meta = await store.create({ backend: 'chat', title });
        log({ op: 'create', by: name, thread: meta.id, title });
      } else if (roll < 0.8) {
        await appendBurst(store, threads, random, options.largeEvery, log, () => `${name}-${n++}`);
      } else if (roll < 0.95) {
        const thread = pick(threads)!;
        const field = pick(['title', 'pinned', 'archived'] as const)!;
        const value = field === 'title' ? `${name} title ${n++}` : !thread[field];
        log({ op: 'try-meta', by: name, thread: thread.id, field, value });
        try {
          await store.update(thread.id, { [field]: value });
          log({ op: 'meta', by: name, thread: thread.id, field, value });
        } catch (err) {
          log({ op: 'meta-failed', by: name, thread: thread.id, field, value });
          await recover(store, err);
        }
      } else if (roll < 0.975) {
        const thread = pick(threads)!;
        await store.delete(thread.id);
        log({ op: 'delete', by: name, thread: thread.id });
      } else {
        const entry = pick(await store.trash());
        if (entry) {
          await store.restore(entry.thread.id);
          log({ op: 'restore', by: name, thread: entry.thread.id });
        }
      }
    } catch (err) {
      // Another window deleted or restored the thread first: the race a user can meet too.
      await recover(store, err);
    }
  }
}

/** One to four appends at once (the store writes them in one go), now and then a large one. */
async function appendBurst(
  store: ThreadStore,
  threads: readonly ThreadMeta[],
  random: () => number,
  largeEvery: number,
  log: (line: LogLine) => void,
  nextId: () => string,
): Promise<void> {
  const burst = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
    const thread = threads[Math.floor(random() * threads.length)]!;
    const large = random() * largeEvery < 1;
    const length = large ? 150_000 + Math.floor(random() * 150_000) : 20 + Math.floor(random() * 400);
    const id = nextId();
    return { thread: thread.id, message: textMessage(thread.id, id, `${id} ${'m'.repeat(length)}`.slice(0, length), Date.now()) };
  });
  const results = await Promise.allSettled(burst.map(({ thread, message }) => store.append(thread, message)));
  results.forEach((result, i) => {
    const { thread, message } = burst[i]!;
    const text = message.content[0]?.type === 'text' ? message.content[0].text : '';
    if (result.status === 'fulfilled') log({ op: 'append', by: name, thread, msg: message.id, length: text.length });
    else log({ op: 'append-failed', by: name, thread, msg: message.id, why: String(result.reason) });
  });
  for (const result of results) if (result.status === 'rejected') await recover(store, result.reason);
}

/** A refusal for a disk reason would need the user's Retry; here nothing should cause one. */
async function recover(store: ThreadStore, err: unknown): Promise<void> {
  if (err instanceof LibraryUnavailableError) {
    process.stderr.write(`${name}: ${err.message}\n`);
    await store.retryWrites();
  }
}

void main();
