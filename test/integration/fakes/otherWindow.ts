// Another window on the same machine, as a plain Node process: it opens the library in the folder
// given as argv[2] and carries out the commands it reads on stdin (one JSON object per line),
// answering each with one JSON line on stdout. The integration suite uses it to change the library
// behind the extension's back, the way a second VS Code window does.
import { createInterface } from 'node:readline';
import { errorText } from '../../../src/core/errorText';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { Message } from '../../../src/core/model';

type Command =
  | { op: 'create'; title: string; backend?: 'responses' | 'chat' }
  | { op: 'append'; threadId: string; role: 'user' | 'assistant'; text: string }
  | { op: 'rename'; threadId: string; title: string }
  | { op: 'delete'; threadId: string };

async function main(): Promise<void> {
  const store = await ThreadStore.open(process.argv[2]!, { indexDelayMs: 0 });
  const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  say({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    try {
      switch (command.op) {
        case 'create':
          say(await store.create({ backend: command.backend ?? 'chat', title: command.title }));
          break;
        case 'append': {
          const message: Message = {
            id: `msg_other_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
            threadId: command.threadId,
            role: command.role,
            content: [{ type: 'text', text: command.text }],
            createdAt: Date.now(),
            status: 'complete',
          };
          await store.append(command.threadId, message);
          say(message);
          break;
        }
        case 'rename':
          say(await store.update(command.threadId, { title: command.title, titleLocked: true }));
          break;
        case 'delete':
          say(await store.delete(command.threadId));
          break;
      }
    } catch (err) {
      say({ error: errorText(err) });
    }
  }
  await store.dispose();
}

void main();
