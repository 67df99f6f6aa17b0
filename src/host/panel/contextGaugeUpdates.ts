// Keeps one webview's context gauge current: recomputed a moment after the state is sent, after
// each reply ends and whenever the thread, its limits or the model change. Bursts (a send emits
// several changes) share one computation, a newer one cancels the one running, and a result for
// a thread the webview no longer shows is dropped.
import { describeError } from '../../core/backends/errors';
import { computeContextGauge, threadHistory } from '../../core/context/contextGauge';
import type { ContextLimits } from '../../core/model';
import type { ThreadStore } from '../../core/library/threadStore';
import type { HostMessage } from '../../shared/protocol';
import { readSettings } from '../connection/settings';

/** Changes closer together than this share one computation. */
const DEBOUNCE_MS = 150;

export interface GaugeUpdateDeps {
  store: ThreadStore;
  /** The thread the webview shows now. */
  threadId(): string | undefined;
  /** Limits set for that thread's next message only. */
  runLimits(threadId: string): ContextLimits | undefined;
  post(message: Extract<HostMessage, { type: 'contextGauge' }>): void;
  onProblem(message: string): void;
}

export class ContextGaugeUpdates {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;
  /** What the gauge the webview has was computed from; the same inputs are not counted again. */
  private shownKey: string | undefined;

  constructor(private readonly deps: GaugeUpdateDeps) {}

  /**
   * Recomputes soon. `fresh`: the webview drew itself anew (a state), so it has no gauge and
   * needs one even if nothing it depends on changed.
   */
  schedule(fresh = false): void {
    if (fresh) this.shownKey = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.running?.abort();
  }

  private async update(): Promise<void> {
    const threadId = this.deps.threadId();
    const thread = threadId ? this.deps.store.get(threadId) : undefined;
    if (!threadId || !thread) return;
    const settings = readSettings();
    const runLimits = this.deps.runLimits(threadId);
    const key = JSON.stringify([threadId, thread.messageCount, thread.backend, thread.limits, runLimits, settings.model, settings.contextWindow]);
    if (key === this.shownKey) return;
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    try {
      const gauge = await computeContextGauge({
        thread,
        model: settings.model,
        history: threadHistory(this.deps.store, threadId),
        signal: controller.signal,
        ...(runLimits ? { runLimits } : {}),
        ...(settings.contextWindow ? { contextWindowSetting: settings.contextWindow } : {}),
      });
      if (controller.signal.aborted || this.deps.threadId() !== threadId) return;
      this.shownKey = key;
      this.deps.post({ type: 'contextGauge', threadId, gauge });
    } catch (err) {
      // Cancelled by a newer computation, or the thread was deleted meanwhile: nothing to show.
      if (!controller.signal.aborted && this.deps.store.get(threadId)) this.deps.onProblem(`Threadline: the context gauge could not be computed: ${describeError(err).message}`);
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }
}
