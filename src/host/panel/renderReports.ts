// The test channel, host side: the render reports a panel posts when the extension runs tests
// (shared/testChannel.ts), kept for the integration tests (PanelSession.waitForRender and
// renderReport).
import { assertNever } from '../../shared/protocol';
import type { RenderReport, TestMessage } from '../../shared/testChannel';

export class RenderReports {
  private last: RenderReport | undefined;
  private readonly waiters = new Set<(report: RenderReport) => void>();

  /** `who` names the panel in a time-out's error ("panel", "editor tab"). */
  constructor(private readonly who: string) {}

  /** What the panel last reported it shows. */
  get current(): RenderReport | undefined {
    return this.last;
  }

  receive(message: TestMessage): void {
    switch (message.type) {
      case 'rendered':
        this.last = message.report;
        for (const waiter of [...this.waiters]) waiter(message.report);
        return;
      default:
        assertNever(message.type);
    }
  }

  /** Resolves with the first report (the current one included) that satisfies `predicate`. */
  waitFor(predicate: (report: RenderReport) => boolean, timeoutMs: number): Promise<RenderReport> {
    if (this.last && predicate(this.last)) return Promise.resolve(this.last);
    return new Promise((resolve, reject) => {
      const waiter = (report: RenderReport) => {
        if (!predicate(report)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(report);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`The ${this.who} did not render the expected state within ${timeoutMs} ms; last report: ${JSON.stringify(this.last)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
