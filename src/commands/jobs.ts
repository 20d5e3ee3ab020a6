// `cronwatch job add|list|show|pause|resume|run|rm|runs|redrive`: an account's scheduled
// jobs from the command line, through the API's own rules (prepareJob) and writes, each
// with --json for scripts. Registered on the program by job-commands.ts.
import { prepareJob } from '../actions/prepare.js';
import type { Config } from '../config.js';
import {
  createJob,
  deleteJob,
  pauseJob,
  redriveTick,
  resumeJob,
  runJobNow,
} from '../db/job-write.js';
import { findJob, listJobs, type JobView } from '../db/jobs.js';
import { transaction, type Client, type Pool } from '../db/pool.js';
import { listRuns } from '../db/ticks.js';
import { jobJson, runJson } from '../front/api/job-shape.js';
import { outboundClient } from '../outbound/client.js';
import { accountIdOrUsage, UsageError, withPool } from './runtime.js';

interface JsonOption {
  json?: boolean;
}

export interface JobAddOptions extends JsonOption {
  schedule?: string;
  tz?: string;
  every?: string;
  at?: string;
  after?: string;
  url: string;
  method?: string;
  header?: string[];
  body?: string;
  timeout?: string;
  attempts?: string;
  overlap?: string;
  catchUp?: string;
  secret?: string;
  tags?: string;
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n');

function line(j: Record<string, unknown>): string {
  const when = j.schedule
    ? `cron "${String(j.schedule)}" ${String(j.tz)}`
    : j.every
      ? `every ${String(j.every)} s`
      : `at ${String(j.at)}`;
  return `${String(j.uuid)}  ${String(j.name)}  ${String(j.status)}  ${when}  next ${String(j.next_run ?? '-')}  ${String(j.method ?? '')} ${String(j.url ?? '')}`;
}

function print(j: JobView, o: JsonOption): void {
  const shown = jobJson(j);
  out(o.json ? JSON.stringify(shown) : line(shown));
}

/** "Name: value" pairs of --header into an object. */
function headers(list: string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const h: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf(':');
    if (i < 1) throw new UsageError(`--header ${JSON.stringify(item)}: expected "Name: value"`);
    h[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return h;
}

function number(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,12}$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
}

function body(name: string, o: JobAddOptions): Record<string, unknown> {
  const b: Record<string, unknown> = {
    name,
    schedule: o.schedule,
    tz: o.tz,
    every: number('every', o.every),
    at: o.at,
    after: number('after', o.after),
    url: o.url,
    method: o.method,
    headers: headers(o.header),
    body: o.body,
    timeout: number('timeout', o.timeout),
    attempts: number('attempts', o.attempts),
    overlap: o.overlap,
    catch_up: o.catchUp,
    secret: o.secret,
    tags: o.tags,
  };
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
}

export async function jobAddCommand(
  account: string,
  name: string,
  o: JobAddOptions,
): Promise<void> {
  await withPool(async (pool, config) => {
    const accountId = await accountIdOrUsage(pool, account);
    const outbound = outboundClient({ allowPrivate: config.outboundAllowPrivate });
    const p = await prepareJob(body(name, o), new Date(), { outbound }).finally(() =>
      outbound.close(),
    );
    if ('error' in p) throw new UsageError(p.error);
    const job = await transaction(pool, async (c) => {
      const created = await createJob(c, accountId, p.values, new Date(), config.grace);
      if (!created)
        throw new UsageError('the schedule has no run: its end is before its next time');
      return (await findJob(c, accountId, created.uuid))!;
    });
    print(job, o);
  });
}

export async function jobListCommand(account: string, o: JsonOption): Promise<void> {
  await withPool(async (pool) => {
    const accountId = await accountIdOrUsage(pool, account);
    let after = 0;
    for (;;) {
      const page = await listJobs(pool, accountId, { after, limit: 500 });
      for (const j of page) print(j, o);
      if (page.length < 500) return;
      after = page.at(-1)!.id;
    }
  });
}

/** Runs `fn` on the account's job `uuid`, locked, in one transaction. */
async function onJob<T>(
  account: string,
  uuid: string,
  fn: (c: Client, job: JobView, pool: Pool, config: Config) => Promise<T>,
): Promise<T> {
  return withPool(async (pool, config) => {
    const accountId = await accountIdOrUsage(pool, account);
    return transaction(pool, async (c) => {
      const job = /^[0-9a-f-]{36}$/i.test(uuid)
        ? await findJob(c, accountId, uuid.toLowerCase(), true)
        : undefined;
      if (!job) throw new UsageError(`no job ${uuid} in account ${account}`);
      return fn(c, job, pool, config);
    });
  });
}

export async function jobShowCommand(account: string, uuid: string, o: JsonOption): Promise<void> {
  await onJob(account, uuid, async (_c, job) => print(job, o));
}

function stateCommand(change: (c: Client, job: JobView) => Promise<unknown>) {
  return async (account: string, uuid: string, o: JsonOption): Promise<void> => {
    const job = await onJob(account, uuid, async (c, job) => {
      await change(c, job);
      return (
        (await findJob(c, job.accountId, job.uuid)) ?? {
          ...job,
          status: 'deleted' as const,
          nextRun: null,
        }
      );
    });
    print(job, o);
  };
}

export const jobPauseCommand = stateCommand((c, job) => pauseJob(c, job, new Date()));
export const jobResumeCommand = stateCommand((c, job) => resumeJob(c, job, new Date()));
export const jobRmCommand = stateCommand((c, job) => deleteJob(c, job));

export async function jobRunCommand(account: string, uuid: string, o: JsonOption): Promise<void> {
  const run = await onJob(account, uuid, async (c, job) => {
    if (job.status !== 'active') throw new UsageError('the job is paused: resume it first');
    return runJobNow(c, job);
  });
  const shown = { run_id: run.runId, scheduled_for: run.scheduledFor.toISOString() };
  out(o.json ? JSON.stringify(shown) : `run ${shown.run_id} queued`);
}

export async function jobRunsCommand(
  account: string,
  uuid: string,
  o: JsonOption & { limit?: string },
): Promise<void> {
  const runs = await onJob(account, uuid, (c, job) =>
    listRuns(c, job.id, number('limit', o.limit) ?? 20),
  );
  for (const r of runs.map(runJson)) {
    const outcome = r.outcome as { status?: number; error?: string } | null;
    out(
      o.json
        ? JSON.stringify(r)
        : `${String(r.scheduled_for)}  ${String(r.state)}  attempts ${String(r.attempts)}  ${String(r.run_id)}  ${outcome?.status ?? outcome?.error ?? ''}`,
    );
  }
}

export async function jobRedriveCommand(
  account: string,
  uuid: string,
  runId: string,
  o: JsonOption,
): Promise<void> {
  const result = await onJob(account, uuid, (c, job) => redriveTick(c, job, runId.toLowerCase()));
  if (result === 'not found') throw new UsageError(`no run ${runId} of job ${uuid}`);
  if (result === 'not dead') throw new UsageError('only a dead or failed run can be redriven');
  out(
    o.json
      ? JSON.stringify({ run_id: runId.toLowerCase(), state: 'pending' })
      : `run ${runId} queued again`,
  );
}

/** `cronwatch job …` on the program. */
