// The test channel, panel side: when the host runs tests (ViewState.reportRenders), the panel
// reports what it shows after each burst of updates (shared/testChannel.ts); integration tests
// wait on these reports. Never posted in normal use: a report copies the last message's text.
import type { RenderReport } from '../../src/shared/testChannel';
import { postTestMessage } from './vscode';

/** While a reply streams, a report goes at most this often: per frame, copying a long reply would cost more than drawing it. */
const STREAMING_REPORT_MS = 200;

export class RenderReports {
  /** Whether the host runs tests (from each state). */
  enabled = false;
  private scheduled = false;

  /** `read` builds the report; `streaming` says whether a reply is streaming. */
  constructor(
    private readonly read: () => RenderReport,
    private readonly streaming: () => boolean,
  ) {}

  /** Reports what is on screen, once per burst of updates. */
  schedule(): void {
    if (!this.enabled || this.scheduled) return;
    this.scheduled = true;
    setTimeout(
      () => {
        this.scheduled = false;
        postTestMessage({ type: 'rendered', report: this.read() });
      },
      this.streaming() ? STREAMING_REPORT_MS : 0,
    );
  }
}

/** Images fetched by file id in `root`: `src` (and whether it has loaded) of a shown one, `failed` (its title) for a placeholder. */
export function fetchedImages(root: ParentNode): NonNullable<RenderReport['images']> {
  return [...root.querySelectorAll<HTMLElement>('.message-image-frame')].map((frame) => {
    const name = frame.dataset.name ?? '';
    const img = frame.querySelector('img');
    if (img) return { name, src: img.getAttribute('src') ?? '', loaded: img.complete && img.naturalWidth > 0 };
    return frame.classList.contains('message-image-missing') ? { name, failed: frame.title } : { name };
  });
}
