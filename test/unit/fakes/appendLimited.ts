// A child process for realFaults.test.ts, run under a file-size limit (`ulimit -f`): appends
// `count` messages of `size` bytes to thread argv[3] of the library in argv[2], one at a time, and
// says on stdout what the store told it about each: "stored <id>" only once the append resolved,
// "failed <id> <why>" once it rejected.
import { ThreadStore } from '../../../src/core/library/threadStore';
import { textMessage } from './fixtures';

async function main(): Promise<void> {
  const [dir, threadId, count, size] = process.argv.slice(2);
  const store = await ThreadStore.open(dir!);
  for (let n = 1; n <= Number(count); n++) {
    const id = `limited-${n}`;
    try {
      await store.append(threadId!, textMessage(threadId!, id, `${id} ${'z'.repeat(Number(size))}`, n));
      process.stdout.write(`stored ${id}\n`);
    } catch (err) {
      process.stdout.write(`failed ${id} ${err instanceof Error ? err.name : String(err)}\n`);
    }
  }
  await store.dispose();
}

void main();
