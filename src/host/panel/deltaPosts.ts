// A reply's text arrives in deltas of a few characters, thousands a second; a panel paints at most
// once an animation frame. So the first delta goes to the webview at once (the first word shows
// with no wait), and the ones after it are joined and posted at most once a frame.

/** About one animation frame at 60 Hz. */
export const FRAME_MS = 16;

export interface DeltaPost {
  threadId: string;
  messageId: string;
  text: string;
}

export class DeltaPosts {
  private pending: DeltaPost | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPost = 0;
  /** Posts made, for the benchmark. */
  posts = 0;

  constructor(private readonly post: (delta: DeltaPost) => void, private readonly now: () => number = () => performance.now()) {}

  /** A delta of a reply: posted now if a frame has passed since the last post, else joined to the next. */
  add(delta: DeltaPost): void {
    if (this.pending && (this.pending.messageId !== delta.messageId || this.pending.threadId !== delta.threadId)) this.flush();
    if (this.pending) this.pending.text += delta.text;
    else this.pending = { ...delta };
    const wait = this.lastPost + FRAME_MS - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Posts what is waiting now: before anything else about the reply (its end) goes out. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.lastPost = this.now();
    this.posts++;
    this.post(pending);
  }

  /** Drops what is waiting (the webview is gone, or shows another thread). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
