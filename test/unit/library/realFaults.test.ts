// The faults of faults.test.ts, made by the operating system itself: a full tmpfs, a read-only
// bind mount, a file-size limit (`ulimit -f`) on a real child process. Mounting needs root (CI
// runs as root); elsewhere those tests are skipped and say why.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import type { Message } from '../../../src/core/model';
import { LibraryUnavailableError } from '../../../src/core/library/health';
import { ThreadStore } from '../../../src/core/library/threadStore';
import { encodeRecordLine } from '../../../src/core/storage/recordLine';
import { dropIndex, tempDir, textMessage } from '../fakes/fixtures';
import { threadFile, unwritable } from '../fakes/libraryChecks';

const run = promisify(execFile);
const mounted: string[] = [];
const bases: string[] = [];

// Unmounted first, then removed: a recursive removal must never reach into a mount.
after(async () => {
  for (const point of mounted.reverse()) await run('umount', [point]).catch(() => run('umount', ['-l', point]).catch(() => undefined));
  for (const base of bases) await fs.rm(base, { recursive: true, force: true }).catch(() => undefined);
});

/** A fresh folder for mount points and their sources (not tempDir's, which is removed right after each test). */
async function mountBase(): Promise<string> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-mount-'));
  bases.push(base);
  return base;
}

/** Runs `mount` with `args` on `point`; the reason it cannot, for a skip. */
async function mount(args: string[], point: string): Promise<string | undefined> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'mounting needs root on Linux (CI runs as root)';
  try {
    await run('mount', [...args, point]);
  } catch (err) {
    return `mount failed: ${err instanceof Error ? err.message.trim() : String(err)}`;
  }
  mounted.push(point);
  return undefined;
}

async function mountTmpfs(size: string): Promise<{ dir: string; skip?: string }> {
  const dir = path.join(await mountBase(), 'tmpfs');
  await fs.mkdir(dir);
  const skip = await mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs'], dir);
  return skip ? { dir, skip } : { dir };
}

async function mountReadOnly(source: string): Promise<{ dir: string; skip?: string }> {
  const dir = path.join(path.dirname(source), 'read-only');
  await fs.mkdir(dir);
  const skip = await mount(['--bind', source], dir);
  if (skip) return { dir, skip };
  try {
    await run('mount', ['-o', 'remount,bind,ro', dir]);
  } catch (err) {
    return { dir, skip: `read-only remount failed: ${err instanceof Error ? err.message.trim() : String(err)}` };
  }
  return { dir };
}

const ids = (messages: Message[]) => messages.map((m) => m.id);

/** What a window opening the library afresh reads of thread `id`, from the files alone. */
async function freshRead(dir: string, id: string): Promise<{ ids: string[]; count: number | undefined; problems: string[] }> {
  await dropIndex(dir);
  const problems: string[] = [];
  const store = await ThreadStore.open(dir, { onProblem: (m) => problems.push(m) });
  return { ids: ids(await store.messages(id)), count: store.get(id)?.messageCount, problems };
}

describe('library faults on real file systems', () => {
  test('a 1 MB tmpfs filled by appends: what was stored stays, the rest is refused as "disk full", and the draft sent again is stored once', async (t) => {
    const { dir, skip } = await mountTmpfs('1m');
    if (skip) return t.skip(skip);
    // Room to give back later, as a user who frees space does.
    const ballast = path.join(dir, 'ballast');
    await fs.writeFile(ballast, Buffer.alloc(256 * 1024, 1));
    const store = await ThreadStore.open(dir);
    const thread = await store.create({ backend: 'chat' });
    const stored: string[] = [];
    let refused: Message | undefined;
    let reason: unknown;
    for (let n = 1; n <= 40 && !refused; n++) {
      const message = textMessage(thread.id, `m${n}`, `${n} ${'w'.repeat(60_000)}`, n);
      try {
        await store.append(thread.id, message);
        stored.push(message.id);
      } catch (err) {
        refused = message;
        reason = err;
      }
    }
    assert.ok(refused, 'the disk filled up');
    assert.ok(reason instanceof LibraryUnavailableError, String(reason));
    assert.match(reason.message, /disk that holds the Threadline library is full/);
    assert.equal(!store.health.writable && store.health.problem.code, 'ENOSPC');
    assert.deepEqual(ids(await store.messages(thread.id)), stored);
    await assert.rejects(store.append(thread.id, refused), LibraryUnavailableError);

    await fs.rm(ballast);
    assert.equal((await store.retryWrites()).writable, true);
    await store.append(thread.id, refused);
    await store.dispose();
    const fresh = await freshRead(dir, thread.id);
    assert.deepEqual(fresh.ids, [...stored, refused.id], 'every stored message once, the draft once');
    assert.equal(fresh.count, stored.length + 1);
    assert.deepEqual(fresh.problems, []);
  });

  test('a read-only bind mount of a library: it opens, every thread reads, and writes are refused as read-only', async (t) => {
    const source = path.join(await mountBase(), 'library');
    const writer = await ThreadStore.open(source);
    const expected = new Map<string, string[]>();
    for (let n = 0; n < 5; n++) {
      const thread = await writer.create({ backend: n % 2 ? 'chat' : 'responses', title: `Thread ${n}` });
      const messageIds = Array.from({ length: n + 1 }, (_, i) => `t${n}m${i}`);
      for (const id of messageIds) await writer.append(thread.id, textMessage(thread.id, id, id, n * 10 + 1));
      expected.set(thread.id, messageIds);
    }
    await writer.dispose();
    // A message stored after the index was written (a window that crashed before writing it):
    // the read-only window must read on past what the index covers, as it cannot write a new one.
    const late = writer.list()[0]!;
    const straggler = textMessage(late.id, 'late', 'after the index', 1000);
    await fs.appendFile(threadFile(source, late.id), `${encodeRecordLine({ kind: 'message', at: straggler.createdAt, message: straggler })}\n`);
    expected.get(late.id)!.push('late');
    const list = writer.list().map((meta) => (meta.id === late.id ? { ...meta, messageCount: meta.messageCount + 1, updatedAt: straggler.createdAt } : meta));
    const { dir, skip } = await mountReadOnly(source);
    if (skip) return t.skip(skip);

    const store = await ThreadStore.open(dir);
    assert.deepEqual(store.list(), list);
    for (const [id, messageIds] of expected) assert.deepEqual(ids(await store.messages(id)), messageIds);
    const health = await unwritable(store);
    assert.equal(health.problem.code, 'EROFS');
    await assert.rejects(store.append(late.id, textMessage(late.id, 'x', 'x', 99)), /Not saved: the Threadline library folder is read-only\. Make it writable and try again\.$/);
    await assert.rejects(store.create({ backend: 'chat' }), /read-only/);
    await assert.rejects(store.delete(late.id), /read-only/);
    assert.deepEqual(store.list(), list);
    await store.dispose();
  });

  test('a writer under a file-size limit: what it was told was stored is there once, what failed is not, and the next writer’s record reads whole', async (t) => {
    if (process.platform === 'win32') return t.skip('ulimit needs a POSIX shell');
    const dir = await tempDir();
    const store = await ThreadStore.open(dir);
    const thread = await store.create({ backend: 'chat' });
    await store.dispose();
    // 300 KiB: the 15th message of 20 KB crosses the limit part-way (a short write, then EFBIG).
    const child = spawn('bash', ['-c', `ulimit -f 300; exec "${process.execPath}" "${path.join(__dirname, '..', 'fakes', 'appendLimited.js')}" "${dir}" "${thread.id}" 40 20000`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((line) => line.split(' '));
    const stored = lines.filter(([what]) => what === 'stored').map(([, id]) => id!);
    const failed = lines.filter(([what]) => what === 'failed').map(([, id]) => id!);
    assert.equal(stored.length + failed.length, 40);
    assert.ok(stored.length > 5 && failed.length > 5, `${stored.length} stored, ${failed.length} failed`);
    assert.deepEqual(stored, Array.from({ length: stored.length }, (_, i) => `limited-${i + 1}`), 'stored until the limit, never after');
    assert.equal((await fs.stat(threadFile(dir, thread.id))).size, 300 * 1024, 'the file ends at the limit, in a fragment');

    const before = await freshRead(dir, thread.id);
    assert.deepEqual(before.ids, stored);
    const next = await ThreadStore.open(dir);
    await next.append(thread.id, textMessage(thread.id, 'after', 'from a window without the limit', 100));
    await next.dispose();
    const fresh = await freshRead(dir, thread.id);
    assert.deepEqual(fresh.ids, [...stored, 'after']);
    assert.equal(fresh.count, stored.length + 1);
    assert.deepEqual(fresh.problems, [], 'a fragment is not damage');
  });
});
