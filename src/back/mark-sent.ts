// Delivered notifications are marked sent in batches: the deliveries that end while one
// UPDATE is in flight share the next one (group commit, as the front does for pings). With
// one autocommitted UPDATE per delivery, a burst of 10,000 alerts paid 10,000 durable
// commits and the dispatcher spent most of its time waiting on them.
// A delivery counts as sent only once its batch has committed, so dispatchOnce still reports
// what the database holds. A back that dies before that commit leaves the notification to be
// delivered again after its lease: at-least-once, and the stable id lets receivers drop the
// duplicate (invariant 4). Each row keeps its claim's attempt as the fencing token.
import { isDatabaseUnavailable } from '../db/errors.js';
import { finishSent, type Sent } from '../db/notifications.js';
import type { Pool } from '../db/pool.js';

/** Rows per UPDATE: bounds one statement's size when a flush falls far behind. */
const MAX_BATCH = 1000;

/** Pause between tries of a mark while the database is away. */
const RETRY_MS = 500;

interface Waiting {
  sent: Sent;
  /** Until when (ms since the epoch) a mark is tried again while the database is away. */
  until: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SentMarker {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(private readonly pool: Pool) {}

  /**
   * Resolves once the row is marked sent (committed); rejects if its batch failed for a bad
   * row, or the database stayed away until `retryForMs` from now.
   */
  mark(sent: Sent, retryForMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ sent, until: Date.now() + retryForMs, resolve, reject });
      void this.pump();
    });
  }

  /** One flush at a time: a lone delivery is written at once, a crowd shares the next. */
  private async pump(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    let pause = 0;
    try {
      await finishSent(
        this.pool,
        batch.map((w) => w.sent),
      );
      for (const w of batch) w.resolve();
    } catch (err) {
      // The database went away between a delivery and its mark (a restart, a failover): the
      // mark is tried again, not given up, so the alert is not delivered a second time when
      // its lease runs out (pg-kill under load: 20 of 100 alerts came twice). A mark that
      // comes after a new claim matches no row (the attempt is its fencing token).
      const now = Date.now();
      const unavailable = isDatabaseUnavailable(err);
      const again: Waiting[] = [];
      for (const w of batch) {
        if (unavailable && w.until > now) again.push(w);
        else w.reject(err);
      }
      this.queue.unshift(...again);
      if (again.length) pause = RETRY_MS;
    } finally {
      const resume = () => {
        this.flushing = false;
        void this.pump();
      };
      if (pause) setTimeout(resume, pause);
      else resume();
    }
  }
}

// One marker per pool, so every dispatcher and dispatchOnce of a back share the batches.
const markers = new WeakMap<Pool, SentMarker>();

export function sentMarker(pool: Pool): SentMarker {
  let marker = markers.get(pool);
  if (!marker) {
    marker = new SentMarker(pool);
    markers.set(pool, marker);
  }
  return marker;
}
