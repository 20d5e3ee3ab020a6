// POST /api/v3/jobs/ (create) and POST|PATCH /api/v3/jobs/<uuid> (update): checked by
// prepareJob (src/actions/prepare.ts, shared with the CLI); each write one transaction,
// nothing written on a 4xx (invariant 5).
import type { RequestHandler } from 'express';
import type { ActionContext } from '../../actions/action.js';
import { prepareJob } from '../../actions/prepare.js';
import { changeJob, createJob } from '../../db/job-write.js';
import { findJob, valuesOf } from '../../db/jobs.js';
import { transaction } from '../../db/pool.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { jobJson } from './job-shape.js';
import { notFound, UUID } from './params.js';

/** The message of a schedule that ends before it runs once. */
export const NEVER_RUNS = 'end: the schedule has no run: its end is before its next time';

export function createJobRoute(deps: FrontDeps, ctx: ActionContext): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const p = await prepareJob(req.body, deps.clock(), ctx);
    if ('error' in p) throw new HttpError(400, p.error);
    const json = await transaction(deps.pool, async (client) => {
      const job = await createJob(client, accountId, p.values, deps.clock(), deps.config.grace);
      if (!job) throw new HttpError(400, NEVER_RUNS);
      return jobJson((await findJob(client, accountId, job.uuid))!);
    });
    res.status(201).json(json);
  };
}

export function updateJobRoute(deps: FrontDeps, ctx: ActionContext): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const id = req.params.id;
    if (typeof id !== 'string' || !UUID.test(id)) throw notFound();
    const json = await transaction(deps.pool, async (client) => {
      const job = await findJob(client, accountId, id.toLowerCase(), true);
      if (!job) throw notFound();
      const p = await prepareJob(req.body, deps.clock(), ctx, valuesOf(job));
      if ('error' in p) throw new HttpError(400, p.error);
      const changed = await changeJob(client, job, p.values, deps.clock(), deps.config.grace);
      if (!changed) throw new HttpError(400, NEVER_RUNS);
      return jobJson((await findJob(client, accountId, job.uuid))!);
    });
    res.json(json);
  };
}
