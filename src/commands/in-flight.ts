// The responses a server has in flight, for its stop (listen.ts): a slot each, and a freed
// slot is reused, so the array stops growing at the most responses ever in flight.
//
// Not a Set. Every check-in went into the server's long-lived Set and out again, and under
// that churn V8's scavenges kept finding ~2 MB of finished responses (with their requests
// and headers) reachable, and moved them to the old generation: scavenges of 4-5 ms, a
// mark-compact every ~350 ms, ~15 % of the front's CPU on a flood of check-ins. With these
// slots: scavenges of 1.0-1.5 ms promoting ~280 KB (BENCHMARKS.md, session 23).
export class InFlight<T extends object> {
  private readonly items: (T | undefined)[] = [];
  private readonly free: number[] = [];

  /** Keeps `item` until remove(slot). */
  add(item: T): number {
    const slot = this.free.pop() ?? this.items.length;
    this.items[slot] = item;
    return slot;
  }

  remove(slot: number): void {
    this.items[slot] = undefined;
    this.free.push(slot);
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const item of this.items) if (item) yield item;
  }
}
