/**
 * Runs operations one at a time in call order (config rebuilds, steps, read-backs), so a run is never
 * replaced or destroyed under a pending operation. A failed operation rejects its own promise only.
 */
export class OpQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(op);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
