// The chat services of one window, wired to one library: who sends (ChatService), who changes
// threads (ThreadActions), what is happening now (ThreadActivity) and who hears of it (ChatEvents).
import type { Backend } from '../backends/backend';
import type { ThreadStore } from '../library/threadStore';
import type { BackendKind } from '../model';
import { ChatEvents } from './chatEvents';
import { ChatService } from './chatService';
import { FileNames } from './fileNames';
import type { SendTrace } from './sendTrace';
import { ThreadActions } from './threadActions';
import { ThreadActivity } from './threadActivity';

export interface ChatDeps {
  store: ThreadStore;
  backendFor: (kind: BackendKind) => Backend;
  /** The model replies are asked of, and the dialect new threads speak. */
  settings: () => { model: string; backend: BackendKind };
  now?: () => number;
  /** Told about failures that stop nothing (a title or a reply that could not be saved). */
  onProblem?: (message: string) => void;
  /** Told each step of a send (the benchmark's stages). */
  trace?: SendTrace;
}

export interface Chat {
  events: ChatEvents;
  activity: ThreadActivity;
  threads: ThreadActions;
  chat: ChatService;
  /** Stops every reply (each keeps what arrived) and stops hearing the library. */
  dispose(): void;
}

export function createChat(deps: ChatDeps): Chat {
  const { store, backendFor, now, onProblem } = deps;
  const optional = { ...(now ? { now } : {}), ...(onProblem ? { onProblem } : {}) };
  const events = new ChatEvents(onProblem);
  const activity = new ThreadActivity();
  const fileNames = new FileNames();
  const threads = new ThreadActions({ store, backendFor, defaultBackend: () => deps.settings().backend, events, activity, fileNames, ...optional });
  const chat = new ChatService({ store, backendFor, model: () => deps.settings().model, events, activity, threads, fileNames, ...optional, ...(deps.trace ? { trace: deps.trace } : {}) });
  return {
    events,
    activity,
    threads,
    chat,
    dispose: () => {
      chat.dispose();
      threads.dispose();
    },
  };
}
