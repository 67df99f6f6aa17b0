// Helpers for the streaming-markdown tests: a seeded PRNG, random chunking, and frames played by hand.

/** A small deterministic PRNG, so a failure can be replayed. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** `text` cut into pieces of 1 to `max` characters. */
export function chunks(text: string, next: () => number, max = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(next() * max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/**
 * Appends `text` to `view` in random chunks of 1 to `max` characters (seeded), playing a frame
 * after every third chunk and one at the end; `afterFrame` looks at what was sent so far.
 */
export function playChunks(
  view: { append(text: string): void },
  frames: { frame(): void },
  text: string,
  seed: number,
  { max = 12, afterFrame }: { max?: number; afterFrame?: (sent: string) => void } = {},
): void {
  let sent = '';
  chunks(text, random(seed), max).forEach((chunk, i) => {
    view.append(chunk);
    sent += chunk;
    if (i % 3 === 2) {
      frames.frame();
      afterFrame?.(sent);
    }
  });
  frames.frame();
}

/** A streamed container's top-level elements, as if its blocks had not been wrapped in groups or parts. */
export const streamedHtml = (container: Element): string =>
  joinParagraphParts([...container.querySelectorAll(':scope > .markdown-done > *, :scope > .markdown-tail > *')]);

/** A scheduler the test runs by hand: `frame()` plays the queued callback. */
export function manualFrames() {
  let queued: (() => void) | undefined;
  let requests = 0;
  return {
    schedule: (callback: () => void) => {
      requests++;
      queued = callback;
      return () => {
        queued = undefined;
      };
    },
    frame() {
      const run = queued;
      queued = undefined;
      run?.();
    },
    get requests() {
      return requests;
    },
  };
}

/**
 * The elements' HTML with the parts of a long paragraph drawn while it streamed (openParagraph.ts)
 * joined back into the one paragraph they show: what a one-shot render gives.
 */
export function joinParagraphParts(elements: Element[]): string {
  const html: string[] = [];
  for (const e of elements) {
    if (e.classList.contains('paragraph-continued') && html.length) {
      html[html.length - 1] = html.at(-1)!.replace(/<\/p>$/, `${e.innerHTML}</p>`);
    } else if (e.tagName === 'P' && e.classList.contains('paragraph-continues')) {
      html.push(`<p>${e.innerHTML}</p>`);
    } else {
      html.push(e.outerHTML);
    }
  }
  return html.join('');
}
