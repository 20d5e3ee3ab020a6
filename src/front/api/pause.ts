// POST /api/v3/checks/<uuid>/pause and /resume, as healthchecks: both answer the check's
// JSON; resuming a check that is not paused is a 409.
import type { RequestHandler } from 'express';
import { pauseCheck, resumeCheck } from '../../db/check-write.js';
import type { Client } from '../../db/pool.js';
import { transaction } from '../../db/pool.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { writtenCheckJson } from './check-shape.js';
import { lockPathCheck } from './checks-write.js';

export function pause(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const json = await transaction(deps.pool, async (client) => {
      const check = await lockPathCheck(client, accountId, req.params.id);
      await pauseCheck(client, check.id, deps.clock());
      return writtenCheckJson(deps, client, accountId, check.uuid);
    });
    res.json(json);
  };
}

export function resume(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const json = await transaction(deps.pool, async (client) => {
      const check = await lockPathCheck(client, accountId, req.params.id);
      await resumeLocked(client, check, deps.clock());
      return writtenCheckJson(deps, client, accountId, check.uuid);
    });
    res.json(json);
  };
}

/** Resumes a check locked by the caller; one that is not paused is a 409, as healthchecks. */
export async function resumeLocked(
  client: Client,
  check: { id: number; status: string },
  now: Date,
): Promise<void> {
  if (check.status !== 'paused') throw new HttpError(409, 'check is not paused');
  await resumeCheck(client, check.id, now);
}
