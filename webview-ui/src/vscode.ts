// The one place that calls acquireVsCodeApi (it may be called only once per page).
import type { WebviewMessage } from '../../src/shared/protocol';

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

/** What the panel keeps across hide/show and reloads: the unsent draft only. */
export interface PanelMemory {
  draft: string;
}

export function loadMemory(): PanelMemory {
  const state = api.getState() as Partial<PanelMemory> | undefined;
  return { draft: typeof state?.draft === 'string' ? state.draft : '' };
}

export function saveMemory(memory: PanelMemory): void {
  api.setState(memory);
}
