// The one entry point for recording a check-in of any form: /ping/<uuid>, /ping/<key>/<slug>,
// the gocron check-in, and any other listener that receives pings (e-mail). Every check-in
// goes through one group commit per database pool and is answered only after its commit.
import { flushPings } from '../db/ping-batch.js';
import type { PingRequest, PingResult } from '../db/ping.js';
import type { Pool } from '../db/pool.js';
import { GroupCommit } from './group-commit.js';

// Up to 1,000 check-ins per flush: a flush of 1,000 takes ~30 ms, so even a full batch is
// answered well within the p99 the hot path aims for.
const MAX_BATCH = 1000;

const batchers = new WeakMap<Pool, GroupCommit<PingRequest, PingResult>>();

/**
 * Records one check-in and resolves with its answer once committed ('ok', 'created',
 * 'not found', a refusal …); rejects when it could not be recorded (isDatabaseUnavailable:
 * answer 503). Check-ins of every caller of one pool share the flushes.
 */
export function submitPing(deps: { pool: Pool }, request: PingRequest): Promise<PingResult> {
  let batcher = batchers.get(deps.pool);
  if (!batcher) {
    const pool = deps.pool;
    batcher = new GroupCommit((items: PingRequest[]) => flushPings(pool, items), MAX_BATCH);
    batchers.set(pool, batcher);
  }
  return batcher.submit(request);
}
