// The one place that calls acquireVsCodeApi (it may be called only once per page).
import type { WebviewMemory, WebviewMessage } from '../../src/shared/protocol';
import type { TestMessage } from '../../src/shared/testChannel';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function postToHost(message: WebviewMessage): void {
  api.postMessage(message);
}

/** The test channel (see renderReports.ts): only when the host said it runs tests. */
export function postTestMessage(message: TestMessage): void {
  api.postMessage(message);
}

/**
 * What the panel keeps across hide/show and reloads: the unsent draft, and the thread shown (an
 * editor tab is restored after a reload with it).
 */
export function loadMemory(): WebviewMemory {
  const state = api.getState() as Partial<WebviewMemory> | undefined;
  return {
    draft: typeof state?.draft === 'string' ? state.draft : '',
    ...(typeof state?.threadId === 'string' ? { threadId: state.threadId } : {}),
  };
}

/** Updates part of the memory; the rest is kept. */
export function saveMemory(patch: Partial<WebviewMemory>): void {
  api.setState({ ...loadMemory(), ...patch });
}
