// GET /dashboard/jobs/new, POST /dashboard/jobs (create); GET /dashboard/jobs/<uuid>/edit,
// POST /dashboard/jobs/<uuid> (update). Checked by prepareJob, the API's validation; on any
// error the form comes back (400) with each message next to its field and nothing written.
import type { Request, RequestHandler, Response } from 'express';
import type { ActionContext } from '../../actions/action.js';
import { prepareJob } from '../../actions/prepare.js';
import { listChannelRows } from '../../db/channels.js';
import { resolveChannels, setCheckChannels } from '../../db/check-write.js';
import { changeJob, createJob } from '../../db/job-write.js';
import { findJob, valuesOf, type JobValues } from '../../db/jobs.js';
import { checkChannelUuids } from '../../db/jobs-page.js';
import { transaction, type Client } from '../../db/pool.js';
import { NEVER_RUNS } from '../api/jobs-write.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { formBody, inputOf, jobForm, list, newJobForm, type FormState } from './job-form-input.js';
import { jobFormView, type FormView } from './job-form-view.js';
import { pathJobUuid } from './job-page.js';
import { sendJobsPage } from './jobs-layout.js';
import { sessionOf } from './session.js';

/** Fields that cannot be left out to look for more errors: the API requires them. */
const SCHEDULE_FIELDS = ['schedule', 'tz', 'every', 'at', 'after'];

/** A failed save: its errors by field. Thrown inside a transaction, so it rolls back. */
class FormErrors extends Error {
  constructor(readonly errors: Map<string, string>) {
    super('form errors');
  }
}

/**
 * The job's values, or every error prepareJob finds: after each, the field it named is
 * left out (a required one replaced by a neutral value) and the rest checked again.
 */
async function validate(
  form: FormState,
  deps: FrontDeps,
  ctx: ActionContext,
  old?: JobValues,
): Promise<JobValues> {
  const errors = new Map<string, string>();
  const fb = formBody(form, old !== undefined);
  // An unchanged `at` keeps the schedule: a one-off whose time has passed stays editable
  // (sent again, it would be "at is in the past").
  if (old?.schedule.kind === 'once' && fb.body.at === old.schedule.at.toISOString())
    delete fb.body.at;
  if (fb.error) errors.set(fb.error.field, fb.error.error);
  const body = { ...fb.body };
  for (let round = 0; round < 20; round++) {
    const p = await prepareJob(body, deps.clock(), ctx, old);
    if (!('error' in p)) break;
    const field = p.field ?? 'form';
    const input = inputOf(field, fb.kind);
    if (errors.has(input)) break;
    errors.set(input, p.error);
    if (field === 'name') body.name = 'name';
    else if (SCHEDULE_FIELDS.includes(field)) {
      for (const f of SCHEDULE_FIELDS) delete body[f];
      body.every = 60;
    } else if (field in body && field !== 'url' && field !== 'kind') delete body[field];
    else break;
  }
  if (errors.size) throw new FormErrors(errors);
  const p = await prepareJob(fb.body, deps.clock(), ctx, old);
  if ('error' in p) throw new FormErrors(new Map([[inputOf(p.field ?? 'form', fb.kind), p.error]]));
  return p.values;
}

async function channelIds(deps: FrontDeps, accountId: number, form: FormState): Promise<number[]> {
  const ids = await resolveChannels(deps.pool, accountId, list(form, 'channels').join(','));
  if ('error' in ids) throw new FormErrors(new Map([['channels', ids.error]]));
  return ids;
}

async function sendForm(
  deps: FrontDeps,
  res: Response,
  status: number,
  v: Omit<FormView, 'csrf' | 'channels'>,
): Promise<void> {
  const s = sessionOf(res);
  const channels = await listChannelRows(deps.pool, s.accountId);
  sendJobsPage(
    res,
    s,
    { title: v.title, status, script: 'jobs.js' },
    jobFormView({ ...v, csrf: s.csrf, channels }),
  );
}

function newView(state: FormState, errors = new Map<string, string>()) {
  return {
    title: 'New job',
    action: '/dashboard/jobs',
    submit: 'Create job',
    cancel: '/dashboard/jobs',
    state,
    errors,
    signed: false,
  };
}

export function newJobPage(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const all = await listChannelRows(deps.pool, sessionOf(res).accountId);
    await sendForm(deps, res, 200, newView(newJobForm(all.map((c) => c.uuid))));
  };
}

async function insert(
  client: Client,
  deps: FrontDeps,
  ctx: ActionContext,
  accountId: number,
  form: FormState,
) {
  const values = await validate(form, deps, ctx);
  const ids = await channelIds(deps, accountId, form);
  const job = await createJob(client, accountId, values, deps.clock(), deps.config.grace);
  if (!job) throw new FormErrors(new Map([['end', NEVER_RUNS]]));
  if (job.checkId !== null) await setCheckChannels(client, job.checkId, ids);
  return job.uuid;
}

export function createJobForm(deps: FrontDeps, ctx: ActionContext): RequestHandler {
  return async (req, res) => {
    const form = req.body as FormState;
    const { accountId } = sessionOf(res);
    try {
      const uuid = await transaction(deps.pool, (c) => insert(c, deps, ctx, accountId, form));
      res.redirect(303, `/dashboard/jobs/${uuid}`);
    } catch (err) {
      if (!(err instanceof FormErrors)) throw err;
      await sendForm(deps, res, 400, newView(form, err.errors));
    }
  };
}

function editView(
  uuid: string,
  name: string,
  state: FormState,
  signed: boolean,
  errors = new Map<string, string>(),
) {
  return {
    title: `Edit ${name}`,
    action: `/dashboard/jobs/${uuid}`,
    submit: 'Save',
    cancel: `/dashboard/jobs/${uuid}`,
    state,
    errors,
    signed,
  };
}

export function editJobPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const job = await findJob(deps.pool, sessionOf(res).accountId, pathJobUuid(req));
    if (!job) throw new HttpError(404, 'no such job');
    const channels = job.checkId === null ? [] : await checkChannelUuids(deps.pool, job.checkId);
    const view = editView(job.uuid, job.name, jobForm(job, channels), job.secret !== null);
    await sendForm(deps, res, 200, view);
  };
}

export function updateJobForm(deps: FrontDeps, ctx: ActionContext): RequestHandler {
  return async (req: Request, res) => {
    const form = req.body as FormState;
    const { accountId } = sessionOf(res);
    const uuid = pathJobUuid(req);
    let shown = { name: '', signed: false };
    try {
      await transaction(deps.pool, async (client) => {
        const job = await findJob(client, accountId, uuid, true);
        if (!job) throw new HttpError(404, 'no such job');
        shown = { name: job.name, signed: job.secret !== null };
        const values = await validate(form, deps, ctx, valuesOf(job));
        const ids = await channelIds(deps, accountId, form);
        const changed = await changeJob(client, job, values, deps.clock(), deps.config.grace);
        if (!changed) throw new FormErrors(new Map([['end', NEVER_RUNS]]));
        if (changed.checkId !== null) await setCheckChannels(client, changed.checkId, ids);
      });
      res.redirect(303, `/dashboard/jobs/${uuid}`);
    } catch (err) {
      if (!(err instanceof FormErrors)) throw err;
      await sendForm(deps, res, 400, editView(uuid, shown.name, form, shown.signed, err.errors));
    }
  };
}
