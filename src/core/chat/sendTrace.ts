// The steps of a send, for finding where the time to its first token goes: the benchmark of the
// real path records when each happens (see test/bench/workbenchSteps.mjs). No step waits for one.

/** In the order they happen. */
export const SEND_STAGES = [
  /** The chat service has the message. */
  'received',
  /** The thread's backend is ready (its server thread made, for a thread's first message). */
  'connected',
  /** The user's message is on disk. */
  'stored',
  /** The request for the reply goes out. */
  'requestSent',
  /** The server answered (status and headers). */
  'firstByte',
  /** The reply's first text arrived. */
  'firstDelta',
] as const;

export type SendStage = (typeof SEND_STAGES)[number];

/** Told each step of a send in `threadId`. */
export type SendTrace = (stage: SendStage, threadId: string) => void;
