// A task that must not run twice at once, and must not miss a request made while it runs (a look
// at a file that changed again, a merge after another change): one run at a time, and a call
// during a run asks for one more run after it, however many calls come meanwhile.

/**
 * Wraps `task`: the result runs it, or, while it runs, asks for one more run after the current
 * one and resolves when that has ended. Once `stopped()` is true, nothing more runs.
 */
export function coalesced(task: () => Promise<void>, stopped: () => boolean = () => false): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (stopped()) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task();
      } while (again && !stopped());
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}
