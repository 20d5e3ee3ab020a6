// The per-destination rate limit's state (migration 0018): a fixed one-minute window per
// destination (transport + target, as md5 of the stored target), shared by every back
// instance, and the folding of a notification over the limit into a pending digest.
import type { AlertEvent } from '../domain/alert.js';
import type { Claimed } from './notifications.js';
import { transaction, type Pool, type Queryable } from './pool.js';

const DESTINATION = `$1::text || ':' || md5($2::jsonb::text)`;
const WINDOW_MS = 60_000;

/**
 * Counts one message to the destination in its current window (a new window when the last
 * one is over). `ok: false` with the end of the window when this one is over `limit`.
 */
export async function takeSendSlot(
  db: Queryable,
  c: Pick<Claimed, 'transport' | 'target'>,
  now: Date,
  limit: number,
): Promise<{ ok: true } | { ok: false; until: Date }> {
  const { rows } = await db.query<{ sent: number; window_start: Date }>(
    `INSERT INTO send_windows AS w (destination, window_start, sent) VALUES (${DESTINATION}, $3, 1)
     ON CONFLICT (destination) DO UPDATE SET
       sent = CASE WHEN w.window_start <= $3::timestamptz - make_interval(secs => $4::double precision / 1000)
                   THEN 1 ELSE w.sent + 1 END,
       window_start = CASE WHEN w.window_start <= $3::timestamptz - make_interval(secs => $4::double precision / 1000)
                   THEN $3 ELSE w.window_start END
     RETURNING sent, window_start`,
    [c.transport, JSON.stringify(c.target), now, WINDOW_MS],
  );
  const row = rows[0]!;
  if (row.sent <= limit) return { ok: true };
  return { ok: false, until: new Date(row.window_start.getTime() + WINDOW_MS) };
}

/**
 * Folds the claimed notification into the destination's digest that no dispatcher has
 * claimed yet (attempts = 0), or into a new one due at `until`. One transaction: the
 * notification is either folded and carried, or still pending. Returns the digest's id.
 */
export async function foldNotification(
  pool: Pool,
  c: Claimed,
  until: Date,
  now: Date,
): Promise<string> {
  return transaction(pool, async (client) => {
    // Folds to one destination wait for each other here (the dispatcher delivers a batch
    // concurrently): each then sees the digest the one before it made, instead of all
    // finding none and making one each.
    await client.query(`SELECT 1 FROM send_windows WHERE destination = ${DESTINATION} FOR UPDATE`, [
      c.transport,
      JSON.stringify(c.target),
    ]);
    // A claim takes the digest's row lock too: one that claims it first leaves attempts > 0,
    // and a new digest is started rather than adding to one being sent.
    const found = await client.query<{ id: string }>(
      `SELECT id FROM notifications
        WHERE state = 'pending' AND attempts = 0 AND transport = $1 AND target = $2::jsonb
          AND payload @> '{"digest": true}'
        ORDER BY created_at LIMIT 1 FOR UPDATE`,
      [c.transport, JSON.stringify(c.target)],
    );
    let digest = found.rows[0]?.id;
    if (!digest) {
      const made = await client.query<{ id: string }>(
        `INSERT INTO notifications (flip_id, channel_id, transport, target, payload, next_attempt_at, created_at)
         SELECT flip_id, channel_id, transport, target, '{"digest": true}'::jsonb, $2, $3
           FROM notifications WHERE id = $1
         RETURNING id`,
        [c.id, until, now],
      );
      digest = made.rows[0]!.id;
    }
    await client.query(
      `UPDATE notifications SET state = 'folded', folded_into = $3, last_error = NULL
        WHERE id = $1 AND attempts = $2 AND state = 'pending'`,
      [c.id, c.attempts, digest],
    );
    return digest;
  });
}

/**
 * A digest over the limit waits for the window's end; its claim does not count as an
 * attempt, and while unclaimed more alerts may still join it.
 */
export async function postponeDigest(db: Queryable, c: Claimed, until: Date): Promise<void> {
  await db.query(
    `UPDATE notifications SET next_attempt_at = $3, attempts = attempts - 1
      WHERE id = $1 AND attempts = $2 AND state = 'pending'`,
    [c.id, c.attempts, until],
  );
}

/** The alerts folded into a digest, oldest first. */
export async function foldedEvents(db: Queryable, digestId: string): Promise<AlertEvent[]> {
  const { rows } = await db.query<{ payload: AlertEvent }>(
    `SELECT payload FROM notifications WHERE folded_into = $1 ORDER BY created_at, id`,
    [digestId],
  );
  return rows.map((r) => r.payload);
}
