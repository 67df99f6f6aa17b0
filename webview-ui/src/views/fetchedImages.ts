import * as l10n from '@vscode/l10n';
import type { Requests } from '../requests';
import { el } from '../ui/toolkit';

/** What the host said about an image it fetched by file id (see `imageReady` in protocol.ts). */
interface FetchedImage {
  src?: string;
  error?: string;
}

/**
 * Images a message holds only by file id (no preview): the first frame drawn for one asks the
 * host, which downloads it once into its cache and answers with a webview URI, or why it could
 * not (the frame then shows a placeholder that says so). Every frame waiting for it is filled by
 * the answer; one drawn later shows the image at once. A failure is not remembered: the image is
 * asked for again when its message is drawn anew.
 */
export class FetchedImages {
  /** Images the host fetched this session, by file id. */
  private readonly fetched = new Map<string, string>();
  /** Frames waiting for their image, by file id (drawn or kept off-screen by the transcript). */
  private readonly waiting = new Map<string, Set<HTMLElement>>();

  /** `settled` is told when a picture has loaded or failed to (the render report then says so). */
  constructor(
    private readonly requests: Requests,
    private readonly settled: () => void,
  ) {}

  /** A frame for image `name`, which the host's download fills. */
  frame(name: string, fileId: string): HTMLElement {
    const frame = el('span', 'message-image-frame');
    frame.dataset.name = name;
    const src = this.fetched.get(fileId);
    if (src !== undefined) {
      this.fill(frame, { src });
      return frame;
    }
    frame.classList.add('message-image-loading');
    frame.append(el('span', 'codicon codicon-loading codicon-modifier-spin'), el('span', 'message-image-name', name));
    frame.title = l10n.t('Loading {0}…', name);
    const frames = this.waiting.get(fileId);
    if (frames) {
      frames.add(frame);
      return frame;
    }
    this.waiting.set(fileId, new Set([frame]));
    this.requests.send(
      { type: 'fetchImage', fileId },
      {
        answered: ({ src, error }) => {
          if (src) this.fetched.set(fileId, src);
          this.settle(fileId, src ? { src } : { error: error ?? l10n.t('unknown error') });
        },
        timedOut: () => this.settle(fileId, { error: l10n.t('it did not arrive in time.') }),
      },
    );
    return frame;
  }

  private settle(fileId: string, result: FetchedImage): void {
    const frames = this.waiting.get(fileId);
    this.waiting.delete(fileId);
    for (const frame of frames ?? []) this.fill(frame, result);
  }

  private fill(frame: HTMLElement, result: FetchedImage): void {
    const name = frame.dataset.name ?? '';
    frame.classList.remove('message-image-loading');
    frame.replaceChildren();
    if (result.src) {
      const img = el('img', 'message-image');
      img.src = result.src;
      img.alt = name;
      // A cached copy the webview cannot load after all (cleared cache) still says what it was.
      img.addEventListener('error', () => this.fill(frame, { error: l10n.t('The downloaded copy could not be shown.') }), { once: true });
      img.addEventListener('load', this.settled, { once: true });
      frame.removeAttribute('title');
      frame.append(img);
      return;
    }
    frame.classList.add('message-image-missing');
    frame.title = l10n.t('Image {0} could not be loaded: {1}', name, result.error ?? l10n.t('unknown error'));
    frame.setAttribute('role', 'img');
    frame.setAttribute('aria-label', frame.title);
    frame.append(el('span', 'codicon codicon-file-media'), el('span', 'message-image-name', name), el('span', 'message-image-error', l10n.t('image unavailable')));
    this.settled();
  }
}
