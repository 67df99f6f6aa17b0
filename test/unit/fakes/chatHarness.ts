// The chat services over a real ThreadStore in a temp folder, with a scripted backend and a
// stepping clock; every chat test file starts from here.
import type { Backend } from '../../../src/core/backends/backend';
import type { ChatEvent } from '../../../src/core/chat/chatEvents';
import type { ChatService } from '../../../src/core/chat/chatService';
import { createChat } from '../../../src/core/chat/createChat';
import type { ThreadActions } from '../../../src/core/chat/threadActions';
import type { ThreadActivity } from '../../../src/core/chat/threadActivity';
import type { BackendKind, ThreadMeta } from '../../../src/core/model';
import { ThreadStore } from '../../../src/core/library/threadStore';
import { FakeBackend } from './fakeBackend';
import { steppingClock, tempDir } from './fixtures';

export interface ChatHarness {
  dir: string;
  store: ThreadStore;
  backend: FakeBackend;
  chat: ChatService;
  threads: ThreadActions;
  activity: ThreadActivity;
  /** Every event since the start. */
  events: ChatEvent[];
  /** The library's list as it stood at each `threadsChanged`. */
  lists: ThreadMeta[][];
  /** Resolves with the first event of `type` from now on. */
  next: <T extends ChatEvent['type']>(type: T) => Promise<Extract<ChatEvent, { type: T }>>;
  /** A second store on the same folder, as after a restart. */
  reopen: () => Promise<ThreadStore>;
}

/** `backendFor` defaults to `backend` for every dialect. */
export async function chatHarness(backend = new FakeBackend(), backendFor?: (kind: BackendKind) => Backend): Promise<ChatHarness> {
  const dir = await tempDir();
  const now = steppingClock();
  const store = await ThreadStore.open(dir, { now });
  const { chat, threads, activity, events: bus } = createChat({ store, backendFor: backendFor ?? (() => backend), settings: () => ({ model: 'test-model', backend: 'responses' }), now });
  const events: ChatEvent[] = [];
  const lists: ThreadMeta[][] = [];
  bus.onEvent((e) => {
    events.push(e);
    if (e.type === 'threadsChanged') lists.push(store.list());
  });
  const next = <T extends ChatEvent['type']>(type: T) =>
    new Promise<Extract<ChatEvent, { type: T }>>((resolve) => {
      const sub = bus.onEvent((e) => {
        if (e.type !== type) return;
        sub.dispose();
        resolve(e as Extract<ChatEvent, { type: T }>);
      });
    });
  return { dir, store, backend, chat, threads, activity, events, lists, next, reopen: () => ThreadStore.open(dir, { now }) };
}
