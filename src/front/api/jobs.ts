// GET /api/v3/jobs/ (list), GET and DELETE /api/v3/jobs/<uuid>, its pause, resume, run now,
// runs and redrive. Every query is scoped by the key's account: another account's job is a
// 404 (invariant 6).
import type { Request, RequestHandler, Response } from 'express';
import { deleteJob, pauseJob, redriveTick, resumeJob, runJobNow } from '../../db/job-write.js';
import { findJob, listJobs, type JobView } from '../../db/jobs.js';
import { transaction, type Client } from '../../db/pool.js';
import { listRuns } from '../../db/ticks.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { jobJson, runJson } from './job-shape.js';
import { decodeCursor, encodeCursor, intParam, notFound, oneParam, UUID } from './params.js';

async function pathJob(
  client: Client,
  req: Request,
  res: Response,
  lock: boolean,
): Promise<JobView> {
  const id = req.params.id;
  const job =
    typeof id === 'string' && UUID.test(id)
      ? await findJob(client, authOf(res).accountId, id.toLowerCase(), lock)
      : undefined;
  if (!job) throw notFound();
  return job;
}

export function listJobsRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const status = oneParam(req, 'status');
    if (status !== undefined && status !== 'active' && status !== 'finished' && status !== 'paused')
      throw new HttpError(400, 'status must be active, finished or paused');
    const cursor = oneParam(req, 'cursor');
    const limit = intParam(req, 'limit', 1, 1000) ?? 100;
    const tag = oneParam(req, 'tag');
    const jobs = await listJobs(deps.pool, authOf(res).accountId, {
      ...(status ? { status } : {}),
      ...(tag ? { tag } : {}),
      ...(cursor ? { after: decodeCursor(cursor) } : {}),
      limit,
    });
    const last = jobs.at(-1);
    res.json({
      jobs: jobs.map(jobJson),
      next_cursor: jobs.length === limit && last ? encodeCursor(last.id) : null,
    });
  };
}

export function getJobRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    res.json(jobJson(await transaction(deps.pool, (c) => pathJob(c, req, res, false))));
  };
}

/** A change of state: locks the job, applies `fn`, answers the job as it is after. */
function stateChange(
  deps: FrontDeps,
  fn: (client: Client, job: JobView) => Promise<unknown>,
): RequestHandler {
  return async (req, res) => {
    const json = await transaction(deps.pool, async (client) => {
      const job = await pathJob(client, req, res, true);
      await fn(client, job);
      return jobJson((await findJob(client, authOf(res).accountId, job.uuid)) ?? job);
    });
    res.json(json);
  };
}

export const pauseJobRoute = (deps: FrontDeps) =>
  stateChange(deps, (c, job) => pauseJob(c, job, deps.clock()));
export const resumeJobRoute = (deps: FrontDeps) =>
  stateChange(deps, (c, job) => resumeJob(c, job, deps.clock()));

export function deleteJobRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const json = await transaction(deps.pool, async (client) => {
      const job = await pathJob(client, req, res, true);
      await deleteJob(client, job);
      return { ...jobJson(job), status: 'deleted', next_run: null };
    });
    res.json(json);
  };
}

export function runJobRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const run = await transaction(deps.pool, async (client) => {
      const job = await pathJob(client, req, res, true);
      if (job.status !== 'active') throw new HttpError(409, 'the job is paused: resume it first');
      return runJobNow(client, job);
    });
    res.status(202).json({ run_id: run.runId, scheduled_for: run.scheduledFor.toISOString() });
  };
}

export function listRunsRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const limit = intParam(req, 'limit', 1, 1000) ?? 100;
    const beforeText = oneParam(req, 'before');
    const before = beforeText === undefined ? undefined : new Date(beforeText);
    if (before && Number.isNaN(before.getTime()))
      throw new HttpError(
        400,
        'before must be an ISO 8601 time (the scheduled_for of the last run shown)',
      );
    const runs = await transaction(deps.pool, async (client) => {
      const job = await pathJob(client, req, res, false);
      return listRuns(client, job.id, limit, before);
    });
    res.json({ runs: runs.map(runJson) });
  };
}

export function redriveRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const runId = req.params.run;
    if (typeof runId !== 'string' || !UUID.test(runId)) throw notFound();
    const result = await transaction(deps.pool, async (client) => {
      const job = await pathJob(client, req, res, true);
      return redriveTick(client, job, runId.toLowerCase());
    });
    if (result === 'not found') throw notFound();
    if (result === 'not dead')
      throw new HttpError(409, 'only a dead or failed run can be redriven');
    res.status(202).json({ run_id: runId.toLowerCase(), state: 'pending' });
  };
}
