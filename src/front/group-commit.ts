/**
 * Batches work that arrives while a flush is in flight (group commit). A lone item is
 * flushed at once, with no added delay; under load, everything that queued up during one
 * flush goes into the next, up to `maxBatch`. One flush in flight: two would wait on each
 * other's row locks on a hot check (the locking read averaged 2 ms), and each would share
 * its commit with half as many items.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly flush: (
      items: T[],
    ) => Promise<({ ok: true; value: R } | { ok: false; error: unknown })[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.flushing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.flushing = true;
    const settle = (each: (b: (typeof batch)[number], i: number) => void) => {
      // The next flush goes to the database before this one's answers are written: the
      // database works on it while this process serialises the answers.
      this.flushing = false;
      this.pump();
      batch.forEach(each);
    };
    this.flush(batch.map((b) => b.item)).then(
      (results) =>
        settle((b, i) => {
          const r = results[i];
          if (r?.ok) b.resolve(r.value);
          else b.reject(r ? r.error : new Error('no result for a batched item'));
        }),
      (err: unknown) => settle((b) => b.reject(err)),
    );
  }
}
