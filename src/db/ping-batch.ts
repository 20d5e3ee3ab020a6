// Group commit of check-ins of every form: the check-ins that arrived while the previous
// flush was in flight are written together, and each is answered only after that commit
// (invariant 1). A durable commit costs about as much as ten thousand row updates here, so
// sharing it is what lets ingest scale (DESIGN.md, "The hot path"). The common check-in
// takes one autocommitted statement (ping-fast.ts); the rest one locked transaction
// (ping-locked.ts), both on one connection.
import { targetKey } from './checks-ping.js';
import { isDatabaseUnavailable } from './errors.js';
import type { PingRequest, PingResult } from './ping.js';
import { isPlainSuccess, recordPlainSuccesses } from './ping-fast.js';
import { recordPings } from './ping-locked.js';
import type { Client, Pool } from './pool.js';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A uuid ping, as the back's job trigger records its runs. */
export type UuidPing = PingRequest & { target: { uuid: string } };

/** Records uuid pings in the caller's transaction (the job trigger's runs). */
export async function recordUuidPings(
  client: Client,
  batch: UuidPing[],
): Promise<('ok' | 'not found')[]> {
  return (await recordPings(client, batch)) as ('ok' | 'not found')[];
}

// Connections that flushed before: their session is set up already.
const prepared = new WeakSet<Client>();

// The flush connection, kept between flushes that follow each other. The group commit sends
// the next flush from the callback that settles the previous one, before the answers are
// written; pool.connect() resolves on process.nextTick, which runs only after every answer's
// promise reaction, so the next flush left after all the answers' writes (~1 ms at 32) and
// the database sat idle meanwhile. A held connection is taken synchronously.
const held = new WeakMap<Pool, Client>();

function takeHeld(pool: Pool): Client | undefined {
  const client = held.get(pool);
  held.delete(pool);
  return client;
}

/** Keeps `client` for the next flush; back to the pool when none came in this turn. */
function hold(pool: Pool, client: Client): void {
  // Someone waits for a connection (a small DATABASE_POOL_MAX): it goes first, as when every
  // flush gave its connection back; held, a flood of check-ins kept the only connection from
  // the API for as long as it lasted. And one is enough: flushes that ran side by side
  // (callers other than the group commit) must not leave a second one checked out for good.
  if (pool.waitingCount > 0 || held.has(pool)) return client.release();
  held.set(pool, client);
  setImmediate(() => {
    if (held.get(pool) === client) takeHeld(pool)!.release();
  });
}

/**
 * The flush statements are named (parsed once per connection); a generic plan spares the
 * five custom plans PostgreSQL would otherwise make and compare for each of them.
 */
async function flushClient(pool: Pool): Promise<Client> {
  const client = await pool.connect();
  if (prepared.has(client)) return client;
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  prepared.add(client);
  return client;
}

/**
 * The check-ins that may try the fast statement: plain successes whose target has no other
 * check-in in the batch (a start, a failure, an rid …), so the pings of one target are
 * applied in arrival order by one path.
 */
function fastCandidates(batch: PingRequest[]): number[] {
  const mixed = new Set<string>();
  for (const p of batch) if (!isPlainSuccess(p)) mixed.add(targetKey(p.target));
  return batch.flatMap((p, i) => (isPlainSuccess(p) && !mixed.has(targetKey(p.target)) ? [i] : []));
}

/** The locked path on `client`: one transaction; split in halves on a bad row. */
async function flushLocked(client: Client, batch: PingRequest[]): Promise<Settled<PingResult>[]> {
  try {
    await client.query('BEGIN');
    const results = await recordPings(client, batch);
    await client.query('COMMIT');
    return results.map((value) => ({ ok: true, value }));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A dead database fails every check-in at once (503, try again): no half would pass.
    if (batch.length === 1 || isDatabaseUnavailable(error))
      return batch.map(() => ({ ok: false, error }));
    // A bad row (or a deadlock victim) fails alone in log2(n) rounds, not n transactions.
    const half = Math.ceil(batch.length / 2);
    const first = await flushLocked(client, batch.slice(0, half));
    return [...first, ...(await flushLocked(client, batch.slice(half)))];
  }
}

/** Records a batch of check-ins of any form; the answer (or failure) of each, in order. */
export async function flushPings(pool: Pool, batch: PingRequest[]): Promise<Settled<PingResult>[]> {
  const client = takeHeld(pool) ?? (await flushClient(pool));
  // Set when the database went away: the connection is dropped, not reused.
  let dead: Error | undefined;
  try {
    const settled: (Settled<PingResult> | undefined)[] = batch.map(() => undefined);
    const candidates = fastCandidates(batch);
    try {
      const done = await recordPlainSuccesses(
        client,
        candidates.map((i) => batch[i]!),
      );
      for (const k of done) settled[candidates[k]!] = { ok: true, value: 'ok' };
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      // A bad row in the statement: nothing of it was written; the locked path isolates it.
    }
    const rest = batch.flatMap((_, i) => (settled[i] ? [] : [i]));
    // Most flushes are all fast: an empty locked transaction cost three more round trips
    // (BEGIN, the locking read, COMMIT), a third of a spread flush's time.
    if (rest.length === 0) return settled as Settled<PingResult>[];
    const locked = await flushLocked(
      client,
      rest.map((i) => batch[i]!),
    );
    rest.forEach((i, k) => (settled[i] = locked[k]));
    const gone = locked.find((r) => !r.ok && isDatabaseUnavailable(r.error));
    if (gone && !gone.ok) dead = gone.error as Error;
    return settled as Settled<PingResult>[];
  } catch (error) {
    dead = error as Error;
    return batch.map(() => ({ ok: false, error }));
  } finally {
    if (dead) client.release(dead);
    else hold(pool, client);
  }
}
