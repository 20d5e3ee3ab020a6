// Group commit of check-ins of every form: the check-ins that arrived while the previous
// flush was in flight are written together, and each is answered only after that commit
// (invariant 1). A durable commit costs about as much as ten thousand row updates here, so
// sharing it is what lets ingest scale (DESIGN.md, "The hot path").
import { isDatabaseUnavailable } from './errors.js';
import type { PingRequest, PingResult } from './ping.js';
import { recordPings } from './ping-locked.js';
import { transaction, type Client, type Pool } from './pool.js';

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

/** One transaction for the whole batch; split in halves on a bad row. */
export async function flushPings(
  pool: Pool,
  batch: PingRequest[],
): Promise<Settled<PingResult>[]> {
  try {
    const results = await transaction(pool, (client) => recordPings(client, batch));
    return results.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (batch.length === 1 || isDatabaseUnavailable(error))
      return batch.map(() => ({ ok: false, error }));
    const half = Math.ceil(batch.length / 2);
    const first = await flushPings(pool, batch.slice(0, half));
    return [...first, ...(await flushPings(pool, batch.slice(half)))];
  }
}
