// For the benchmark of the real path only: when THREADLINE_TRACE_FILE names a file, every step of
// a send (see core/chat/sendTrace.ts), and when a panel posts a reply's first text, is appended
// to it as a line `{stage, threadId, at}` (wall-clock ms, the clock the webview's times share).
// Nothing of a message's content is written. Unset (always, outside the benchmark): no tracing.
import { appendFileSync } from 'node:fs';
import type { SendStage } from '../core/chat/sendTrace';

/** The chat service's steps, and the panel's: the `send` arrived from the webview, the first text posted back. */
export type TraceStage = SendStage | 'panelReceived' | 'posted';
export type HostTrace = (stage: TraceStage, threadId: string) => void;

export function traceToFile(file = process.env.THREADLINE_TRACE_FILE): HostTrace | undefined {
  if (!file) return undefined;
  return (stage, threadId) => {
    appendFileSync(file, `${JSON.stringify({ stage, threadId, at: performance.timeOrigin + performance.now() })}\n`);
  };
}
