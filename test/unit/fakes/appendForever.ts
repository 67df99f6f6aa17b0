// A child process for the crash test in threadStore.test.ts: opens the store in argv[2], creates
// one thread, says its id on stdout, then appends large messages until it is killed. Each append
// is reported ("stored N") only after the store said it was written.
import { ThreadStore } from '../../../src/core/library/threadStore';
import { textMessage } from './fixtures';

async function main(): Promise<void> {
  const store = await ThreadStore.open(process.argv[2]!);
  const thread = await store.create({ backend: 'chat' });
  process.stdout.write(`thread ${thread.id}\n`);
  // Large records, so that a kill is likely to land while one is half written.
  const filler = 'x'.repeat(64 * 1024);
  for (let n = 1; ; n++) {
    await store.append(thread.id, textMessage(thread.id, `m${n}`, `message ${n} ${filler}`, n));
    process.stdout.write(`stored ${n}\n`);
  }
}

void main();
