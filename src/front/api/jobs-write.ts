// POST /api/v3/jobs/ (create) and POST|PATCH /api/v3/jobs/<uuid> (update): the common
// fields checked by the domain, the action's settings by its kind, the target by the
// outbound policy; each write one transaction, nothing written on a 4xx (invariant 5).
import type { RequestHandler } from 'express';
import type { ActionContext } from '../../actions/action.js';
import { actionOf, ACTION_KINDS } from '../../actions/registry.js';
import { changeJob, createJob } from '../../db/job-write.js';
import { findJob, scheduleOf, type JobRow, type JobValues } from '../../db/jobs.js';
import { transaction } from '../../db/pool.js';
import { createError, JOB_DEFAULTS, parseJobInput, type JobInput } from '../../domain/job-input.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { jobJson } from './job-shape.js';
import { notFound, UUID } from './params.js';

function input(deps: FrontDeps, body: unknown): JobInput {
  const parsed = parseJobInput(body ?? {}, deps.clock());
  if ('error' in parsed) throw new HttpError(400, parsed.error);
  return parsed;
}

/** The action's settings, validated, and refused targets named (a 400 when saved). */
async function settings(
  kind: string,
  raw: Record<string, unknown>,
  ctx: ActionContext,
): Promise<unknown> {
  const action = actionOf(kind);
  if (!action)
    throw new HttpError(
      400,
      `kind ${JSON.stringify(kind)} is not one of ${ACTION_KINDS.join(', ')}`,
    );
  const r = action.validate(raw);
  if ('error' in r) throw new HttpError(400, r.error);
  const refused = await action.refusal?.(r.settings, ctx);
  if (refused) throw new HttpError(400, `url is refused: ${refused}`);
  return r.settings;
}

function merged(i: JobInput, kind: string, s: unknown, old?: JobRow): JobValues {
  const keep = <T>(given: T | undefined, was: T | undefined, fallback: T): T =>
    given !== undefined ? given : was !== undefined ? was : fallback;
  return {
    name: i.name ?? old?.name ?? '',
    tags: i.tags ?? old?.tags ?? [],
    schedule: i.schedule ?? (old ? scheduleOf(old) : { kind: 'every', seconds: 60 }),
    start: keep(i.start, old?.startsAt, null),
    end: keep(i.end, old?.endsAt, null),
    kind,
    settings: s,
    timeoutMs: i.timeoutMs ?? old?.timeoutMs ?? JOB_DEFAULTS.timeoutMs,
    maxAttempts: i.attempts ?? old?.maxAttempts ?? JOB_DEFAULTS.attempts,
    overlap: i.overlap ?? old?.overlap ?? JOB_DEFAULTS.overlap,
    catchUp: i.catchUp ?? old?.catchUp ?? JOB_DEFAULTS.catchUp,
    startingDeadline: keep(i.startingDeadline, old?.startingDeadline, null),
    secret: keep(i.secret, old?.secret, null),
  };
}

const NEVER = 'the schedule has no run: its end is before its next time';

export function createJobRoute(deps: FrontDeps, ctx: ActionContext): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const i = input(deps, req.body);
    const bad = createError(i);
    if (bad) throw new HttpError(400, bad.error);
    const kind = i.kind ?? JOB_DEFAULTS.kind;
    const v = merged(i, kind, await settings(kind, i.settings, ctx));
    const json = await transaction(deps.pool, async (client) => {
      const job = await createJob(client, accountId, v, deps.clock(), deps.config.grace);
      if (!job) throw new HttpError(400, `end: ${NEVER}`);
      return jobJson((await findJob(client, accountId, job.uuid))!);
    });
    res.status(201).json(json);
  };
}

export function updateJobRoute(deps: FrontDeps, ctx: ActionContext): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const i = input(deps, req.body);
    const id =
      typeof req.params.id === 'string' && UUID.test(req.params.id) ? req.params.id : undefined;
    if (!id) throw notFound();
    const json = await transaction(deps.pool, async (client) => {
      const job = await findJob(client, accountId, id.toLowerCase(), true);
      if (!job) throw notFound();
      const kind = i.kind ?? job.kind;
      const old = kind === job.kind ? actionOf(job.kind)?.show(job.settings as never) : {};
      const s = await settings(kind, { ...old, ...i.settings }, ctx);
      const changed = await changeJob(
        client,
        job,
        merged(i, kind, s, job),
        deps.clock(),
        deps.config.grace,
      );
      if (!changed) throw new HttpError(400, `end: ${NEVER}`);
      return jobJson((await findJob(client, accountId, job.uuid))!);
    });
    res.json(json);
  };
}
