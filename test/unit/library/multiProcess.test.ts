// Many windows on one library, as real processes: four children do random library work (creates,
// small and large appends, renames, pins, archives, deletes, restores) on one folder while the
// parent kills them with SIGKILL at random moments and starts them again. Each child logs what
// the store acknowledged; at the end a fresh window checks the library against those logs.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { messageText } from '../../../src/core/model';
import type { ThreadMeta } from '../../../src/core/model';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { LibraryEvent } from '../../../src/core/library/threadStore';
import { FaultyIo } from '../fakes/faultyIo';
import { dropIndex, tempDir, textMessage } from '../fakes/fixtures';
import { newestIndexEntries, recordEvents, threadFile, waitFor } from '../fakes/libraryChecks';
import type { LogLine } from '../fakes/libraryWindow';
import { seededRandom } from '../fakes/longThread';
import { WindowProcess } from '../fakes/windowProcess';

const WINDOWS = 4;
/** The run ends at this many acknowledged appends, or after RUN_MS, whichever comes first. */
const TARGET_APPENDS = 3000;
const RUN_MS = 30_000;
/** About one append in LARGE_EVERY is 150–300 KB. */
const LARGE_EVERY = 80;
const SEED = 20_261_207;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every line of every window's log (a line cut by a kill is left out). */
async function readLogs(logDir: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (const name of await fs.readdir(logDir)) {
    for (const text of (await fs.readFile(path.join(logDir, name), 'utf8')).split('\n')) {
      try {
        if (text) lines.push(JSON.parse(text) as LogLine);
      } catch {
        // The last line of a window killed while writing it.
      }
    }
  }
  return lines;
}

/**
 * Watches every thread file (live and in the trash) while the windows work: a file that ever
 * gets shorter, or whose first bytes ever change, was cut or rewritten under another window.
 */
class TruncationWatch {
  readonly violations: string[] = [];
  private readonly sizes = new Map<string, number>();
  private readonly heads = new Map<string, Buffer>();
  private running: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly threadsDir: string) {
    this.timer = setInterval(() => void (this.running ??= this.sample().finally(() => (this.running = undefined))), 100);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.sample();
  }

  /** Threads whose files were seen. */
  get seen(): number {
    return this.sizes.size;
  }

  private async sample(): Promise<void> {
    for (const folder of [this.threadsDir, path.join(this.threadsDir, 'trash')]) {
      for (const name of await fs.readdir(folder).catch(() => [] as string[])) {
        if (!name.endsWith('.jsonl')) continue;
        const id = name.slice(0, -'.jsonl'.length);
        // Moved to or from the trash meanwhile: seen at the next sample.
        const handle = await fs.open(path.join(folder, name), 'r').catch(() => undefined);
        if (!handle) continue;
        try {
          const { size } = await handle.stat();
          if (size < (this.sizes.get(id) ?? 0)) this.violations.push(`${id} shrank from ${this.sizes.get(id)} to ${size} bytes`);
          this.sizes.set(id, Math.max(size, this.sizes.get(id) ?? 0));
          const head = Buffer.alloc(Math.min(size, 4096));
          const { bytesRead } = await handle.read(head, 0, head.length, 0);
          const known = this.heads.get(id) ?? Buffer.alloc(0);
          const common = Math.min(bytesRead, known.length);
          if (!head.subarray(0, common).equals(known.subarray(0, common))) this.violations.push(`${id}: its first bytes changed`);
          if (bytesRead > known.length) this.heads.set(id, Buffer.from(head.subarray(0, bytesRead)));
        } finally {
          await handle.close();
        }
      }
    }
  }
}

/** The library's list as windows show it (the order of threads updated in the same millisecond aside). */
const byId = (list: ThreadMeta[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

/**
 * For each thread whose meta changes all came from one process: what its title, pin and archive
 * flag may be now. The last change it was told was stored, or (killed before it could log that)
 * the change it was making then.
 */
function expectedMeta(lines: LogLine[]): Map<string, Map<string, Set<string | boolean>>> {
  const metaLines = lines.filter((l): l is Extract<LogLine, { field: string }> => l.op === 'try-meta' || l.op === 'meta' || l.op === 'meta-failed');
  const expected = new Map<string, Map<string, Set<string | boolean>>>();
  for (const thread of new Set(metaLines.map((l) => l.thread))) {
    const own = metaLines.filter((l) => l.thread === thread);
    if (new Set(own.map((l) => l.by)).size !== 1) continue;
    const created = lines.find((l): l is Extract<LogLine, { op: 'create' }> => l.op === 'create' && l.thread === thread);
    const fields = new Map<string, Set<string | boolean>>();
    for (const field of ['title', 'pinned', 'archived'] as const) {
      const tries = own.filter((l) => l.field === field && l.op === 'try-meta');
      const last = tries.at(-1);
      if (!last) continue;
      const acked = own.filter((l) => l.field === field && l.op === 'meta');
      const lastAcked = acked.at(-1)?.value ?? (field === 'title' ? created?.title : false);
      const ackedLast = acked.at(-1) !== undefined && acked.at(-1)!.value === last.value && own.lastIndexOf(acked.at(-1)!) > own.lastIndexOf(last);
      // An earlier title from before logs began (created by another process) cannot be named: skip.
      if (lastAcked === undefined && !ackedLast) continue;
      fields.set(field, new Set(ackedLast ? [last.value] : [last.value, lastAcked!]));
    }
    expected.set(thread, fields);
  }
  return expected;
}

/** Ids of the threads two lists disagree on. */
function differing(a: ThreadMeta[], b: ThreadMeta[]): string[] {
  const ids = new Set([...a, ...b].map((m) => m.id));
  return [...ids].filter((id) => JSON.stringify(a.find((m) => m.id === id)) !== JSON.stringify(b.find((m) => m.id === id)));
}

/** What the logs say happened to `threads` other than appends, for a failure's message. */
function history(lines: LogLine[], threads: string[]): string {
  return threads.map((id) => `${id}: ${lines.filter((l) => l.thread === id && l.op !== 'append').map((l) => `${l.by} ${l.op}${'field' in l ? ` ${l.field}=${String(l.value)}` : ''}`).join(', ')}`).join('; ');
}

describe('many windows on one library', () => {
  test('four processes, killed at random and restarted: every acknowledged message there once, in its thread; every count, list and index right', async (t) => {
    const dir = await tempDir();
    const logDir = await tempDir();
    const random = seededRandom(SEED);
    const observer = await ThreadStore.open(dir, { watch: { pollMs: 200 } });
    const watch = new TruncationWatch(path.join(dir, 'threads'));
    let restarts = 0;
    const start = async (slot: number) => {
      const name = `w${slot}g${restarts++}`;
      const window = await WindowProcess.start(dir, name, 100);
      await window.request({ type: 'random', seed: Math.floor(random() * 2 ** 31), log: path.join(logDir, `${name}.log`), largeEvery: LARGE_EVERY });
      return window;
    };
    const windows: WindowProcess[] = [];
    // Whatever fails, no window outlives the test.
    t.after(async () => {
      await Promise.all(windows.map((w) => w.kill()));
      await watch.stop();
      await observer.dispose();
    });
    windows.push(...(await Promise.all(Array.from({ length: WINDOWS }, (_, slot) => start(slot)))));
    const stderr: string[] = [];
    const began = Date.now();
    let kills = 0;
    for (;;) {
      await sleep(50 + random() * 400);
      const acked = (await readLogs(logDir)).filter((l) => l.op === 'append').length;
      if (acked >= TARGET_APPENDS || Date.now() - began > RUN_MS) break;
      const slot = Math.floor(random() * WINDOWS);
      await windows[slot]!.kill();
      stderr.push(windows[slot]!.stderr);
      kills++;
      windows[slot] = await start(slot);
    }
    await Promise.all(windows.map((w) => w.request({ type: 'stop' })));
    const lines = await readLogs(logDir);
    const appends = lines.filter((l): l is Extract<LogLine, { op: 'append' }> => l.op === 'append');
    t.diagnostic(`${appends.length} appends (${appends.filter((a) => a.length >= 150_000).length} large), ${lines.filter((l) => l.op === 'meta').length} meta changes, ${lines.filter((l) => l.op === 'delete').length} deletes, ${lines.filter((l) => l.op === 'restore').length} restores, ${kills} kills, ${Math.round((Date.now() - began) / 1000)} s`);

    // Every window, the one that followed along from the start and the ones started since, shows
    // what a window opened now reads.
    const problems: string[] = [];
    const truth = byId((await ThreadStore.open(dir, { onProblem: (m) => problems.push(m) })).list());
    await waitFor(() => JSON.stringify(byId(observer.list())) === JSON.stringify(truth), 'the observing window catches up', 5000).catch(() => undefined);
    assert.deepEqual(byId(observer.list()), truth, `the window that watched the whole run; ${history(lines, differing(observer.list(), truth))}`);
    for (const window of windows) {
      let seen: ThreadMeta[] = [];
      await waitFor(async () => JSON.stringify((seen = byId(await window.request<ThreadMeta[]>({ type: 'list' })))) === JSON.stringify(truth), 'a window catches up', 5000).catch(() => undefined);
      assert.deepEqual(seen, truth, `window ${window.name}; ${history(lines, differing(seen, truth))}`);
    }
    await Promise.all(windows.map((w) => w.exit().then(() => stderr.push(w.stderr))));
    await observer.dispose();
    await watch.stop();

    // The index after a final flush agrees with the files.
    const final = await ThreadStore.open(dir);
    await final.flush();
    const index = (await newestIndexEntries(dir))!;
    assert.deepEqual([...index.keys()].sort(), truth.map((m) => m.id));
    for (const meta of truth) {
      const entry = index.get(meta.id)!;
      assert.equal(entry.bytes, (await fs.stat(threadFile(dir, meta.id))).size, `index bytes of ${meta.id}`);
      assert.deepEqual(entry.meta, meta, `index entry of ${meta.id}`);
    }
    await dropIndex(dir);
    const fromFiles = await ThreadStore.open(dir, { onProblem: (m) => problems.push(m) });
    assert.deepEqual(byId(fromFiles.list()), truth, 'the files alone tell the same');

    // Deleted threads come back whole from the trash; then every acknowledged message is there.
    for (const entry of await fromFiles.trash()) {
      await fromFiles.restore(entry.thread.id).catch((err: unknown) => assert.match(String(err), /no longer in Recently Deleted/));
    }
    const where = new Map<string, string[]>();
    const lengths = new Map<string, number>();
    for (const meta of fromFiles.list()) {
      const messages = await fromFiles.messages(meta.id);
      assert.equal(meta.messageCount, messages.length, `count of ${meta.id}`);
      for (const message of messages) {
        assert.equal(message.threadId, meta.id);
        assert.match(message.id, /^w\d+g\d+-\d+$/);
        where.set(message.id, [...(where.get(message.id) ?? []), meta.id]);
        lengths.set(message.id, messageText(message).length);
      }
    }
    for (const append of appends) {
      assert.deepEqual(where.get(append.msg), [append.thread], `acknowledged ${append.msg} once, in ${append.thread}`);
      assert.equal(lengths.get(append.msg), append.length, `${append.msg} whole`);
    }
    const twice = [...where].filter(([, threads]) => threads.length > 1);
    assert.deepEqual(twice, [], 'no message stored twice');

    const metaChecks = expectedMeta(lines);
    t.diagnostic(`${metaChecks.size} threads whose titles and flags only one process changed`);
    assert.ok(metaChecks.size > 0);
    for (const [thread, fields] of metaChecks) {
      const meta = fromFiles.get(thread);
      if (!meta) continue;
      for (const [field, allowed] of fields) {
        const value = field === 'title' ? meta.title : meta[field as 'pinned' | 'archived'] === true;
        assert.ok(allowed.has(value), `${thread}.${field} is ${String(value)}, expected one of ${[...allowed].map(String).join(', ')}`);
      }
    }
    assert.deepEqual(watch.violations, []);
    assert.ok(watch.seen > 4);
    assert.deepEqual(problems, [], 'nothing damaged, nothing unreadable');
    assert.deepEqual(stderr.filter((s) => s.trim()), [], 'no window was refused a write');
    assert.ok(appends.length >= 1000 && kills >= 3, `a run big enough to mean something: ${appends.length} appends, ${kills} kills`);
  });

  test('a window that opens while another creates a thread lists it soon after, though it read the folder just before', async () => {
    const dir = await tempDir();
    const other = await ThreadStore.open(dir);
    await other.create({ backend: 'chat', title: 'Before' });
    const io = new FaultyIo();
    let created: ThreadMeta | undefined;
    // The other window creates (and announces) a thread right after this one listed the folder.
    const unhook = io.hook({ op: 'readdir', path: /threads$/, after: async () => void (created ??= await other.create({ backend: 'chat', title: 'During' })) });
    const opening = await ThreadStore.open(dir, { io, watch: { pollMs: 50 } });
    unhook();
    try {
      assert.ok(created);
      await waitFor(() => opening.get(created!.id) !== undefined, 'the thread created during the open is listed', 3000);
      assert.deepEqual(opening.list().map((m) => m.title).sort(), ['Before', 'During']);
    } finally {
      await opening.dispose();
    }
  });

  test('a window killed the moment its message or thread was acknowledged: the other windows still see it', async () => {
    const dir = await tempDir();
    const here = await ThreadStore.open(dir, { watch: { pollMs: 50 } });
    const events = recordEvents(here);
    try {
      const first = await WindowProcess.start(dir, 'first', 50);
      await first.request({ type: 'create-then-die', title: 'Last words' }).catch(() => undefined);
      await waitFor(() => here.list().length === 1, 'the thread it created is listed', 3000);
      const thread = here.list()[0]!;
      const second = await WindowProcess.start(dir, 'second', 50);
      const message = textMessage(thread.id, 'm1', 'sent, then the window died', 1);
      await second.request({ type: 'append-then-die', threadId: thread.id, message }).catch(() => undefined);
      await waitFor(() => events.some((e) => e.type === 'messages'), 'the message arrives', 3000);
      assert.deepEqual(events.filter((e) => e.type === 'messages'), [{ type: 'messages', threadId: thread.id, messages: [message] }]);
      assert.equal(here.get(thread.id)?.messageCount, 1);
    } finally {
      await here.dispose();
    }
  });

  test('a message a window wrote but died before acknowledging (killed during its fsync) still shows in the other windows', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const dying = await ThreadStore.open(dir, { io });
    const thread = await dying.create({ backend: 'chat' });
    const here = await ThreadStore.open(dir, { watch: { pollMs: 20 } });
    const events = recordEvents(here);
    try {
      // The write lands; the process never gets past its fsync, so it never announces it.
      io.hook({ op: 'sync', path: /\.jsonl$/, before: () => new Promise(() => undefined) });
      const message = textMessage(thread.id, 'm1', 'on disk, never acknowledged', 1);
      void dying.append(thread.id, message);
      await waitFor(async () => (await fs.readFile(threadFile(dir, thread.id), 'utf8')).includes('"id":"m1"'), 'the write lands');
      await waitFor(() => events.some((e) => e.type === 'messages'), 'the other window shows it', 3000);
      assert.deepEqual(events.filter((e) => e.type === 'messages'), [{ type: 'messages', threadId: thread.id, messages: [message] }]);
      assert.equal(here.get(thread.id)?.messageCount, 1);
    } finally {
      await here.dispose();
    }
  });

  test('a change in one window shows in another within its poll: a new thread, a message, a delete', async () => {
    const dir = await tempDir();
    const here = await ThreadStore.open(dir, { watch: { pollMs: 200 } });
    const events = recordEvents(here);
    const there = await WindowProcess.start(dir, 'there', 200);
    const heardThere: LibraryEvent[] = [];
    await there.onEvent((event) => heardThere.push(event));
    try {
      const created = await there.request<ThreadMeta>({ type: 'create', title: 'From over there' });
      await waitFor(() => here.get(created.id) !== undefined, 'the new thread is listed here');
      assert.equal(here.get(created.id)?.title, 'From over there');
      assert.ok(events.some((e) => e.type === 'threads'));

      const message = textMessage(created.id, 'm1', 'hello from there', 1);
      await there.request({ type: 'append', threadId: created.id, message });
      await waitFor(() => events.some((e) => e.type === 'messages'), 'the message arrives here');
      assert.deepEqual(events.filter((e) => e.type === 'messages'), [{ type: 'messages', threadId: created.id, messages: [message] }]);
      assert.equal(here.get(created.id)?.messageCount, 1);

      const reply = textMessage(created.id, 'm2', 'and back', 2, 'assistant');
      await here.append(created.id, reply);
      await waitFor(() => heardThere.some((e) => e.type === 'messages'), 'the reply arrives there');
      assert.deepEqual(heardThere.filter((e) => e.type === 'messages'), [{ type: 'messages', threadId: created.id, messages: [reply] }]);
      assert.ok(!events.some((e) => e.type === 'messages' && e.messages.some((m) => m.id === 'm2')), 'a window is not told of its own message');

      await there.request({ type: 'delete', threadId: created.id });
      await waitFor(() => events.some((e) => e.type === 'removed'), 'the delete shows here');
      assert.deepEqual(events.filter((e) => e.type === 'removed'), [{ type: 'removed', threadId: created.id }]);
      assert.equal(here.get(created.id), undefined);
      assert.deepEqual((await here.trash()).map((e) => e.thread.id), [created.id]);
    } finally {
      await there.exit();
      await here.dispose();
    }
  });
});
