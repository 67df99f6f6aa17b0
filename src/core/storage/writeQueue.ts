// Runs async tasks one at a time in the order they were queued, so two writers never
// interleave their bytes or race their index snapshots. A failed task does not stop the queue.
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
