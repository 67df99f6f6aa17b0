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
