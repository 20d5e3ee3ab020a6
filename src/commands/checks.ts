// Minimal administration from the command line: create checks with a schedule, change a
// schedule, list checks with their ping URLs, and an account's ping key for slug URLs.
import { randomBytes } from 'node:crypto';
import { publicBase, type Config } from '../config.js';
import { ensureAccount, pingKeyOf } from '../db/accounts.js';
import {
  insertCheck,
  listChecks,
  lockForSchedule,
  updateSchedule,
  type CheckRow,
} from '../db/checks-admin.js';
import { transaction, type Pool } from '../db/pool.js';
import {
  checkNamesError,
  deadlineAfterScheduleChange,
  parseSchedule,
  type ScheduleInput,
  type ScheduleSpec,
} from '../domain/check-spec.js';
import {
  accountIdOrUsage,
  configOrExit,
  noAccount,
  noCheck,
  UsageError,
  withPool,
} from './runtime.js';

/** A check added without a schedule is expected daily; its grace follows GRACE_PERCENT. */
const DEFAULT_PERIOD = 86_400;

const baseUrl = publicBase;

function describeSchedule(c: CheckRow): string {
  return c.kind === 'cron'
    ? `cron "${c.cron}" ${c.tz}, grace ${c.grace} s`
    : `every ${c.period} s, grace ${c.grace} s`;
}

function show(c: CheckRow, config: Config, json: boolean): string {
  const pingUrl = `${baseUrl(config)}/ping/${c.uuid}`;
  if (json) return JSON.stringify({ ...c, ping_url: pingUrl }) + '\n';
  return `${c.account}/${c.name}  ${c.status}  ${describeSchedule(c)}\n  ping URL: ${pingUrl}\n`;
}

export interface AddOptions extends ScheduleInput {
  slug?: string;
  email?: string;
  json?: boolean;
  createAccount?: boolean;
}

function scheduleOrUsage(o: ScheduleInput): ScheduleSpec {
  const config = configOrExit();
  const schedule = parseSchedule(o, { period: DEFAULT_PERIOD, grace: config.grace }, new Date());
  if (typeof schedule === 'string') throw new UsageError(schedule);
  return schedule;
}

export async function checkAddCommand(account: string, name: string, o: AddOptions): Promise<void> {
  const bad = checkNamesError(account, name, o.slug, o.email);
  if (bad) throw new UsageError(bad);
  const schedule = scheduleOrUsage(o);
  const write = async (pool: Pool, config: Config) => {
    const created = await transaction(pool, async (client) => {
      // A typo in the account name must not make a second account: only on request.
      const accountId = o.createAccount
        ? await ensureAccount(client, account)
        : await accountIdOrUsage(client, account);
      return insertCheck(client, {
        accountId,
        name,
        slug: o.slug ?? null,
        email: o.email ?? null,
        ...schedule,
        now: new Date(),
      });
    });
    if (!created)
      throw new UsageError(
        `a check named ${JSON.stringify(name)} already exists in account ${JSON.stringify(account)}`,
      );
    process.stdout.write(show(created, config, Boolean(o.json)));
  };
  await withPool(write, { migrate: true });
}

export async function checkScheduleCommand(
  account: string,
  name: string,
  o: ScheduleInput,
): Promise<void> {
  const schedule = scheduleOrUsage(o);
  await withPool(async (pool) => {
    await transaction(pool, async (client) => {
      const check = await lockForSchedule(client, account, name);
      if (!check) throw await noCheck(client, account, name);
      const next = deadlineAfterScheduleChange(check, schedule);
      await updateSchedule(client, check.id, schedule, next, new Date());
    });
    process.stdout.write(`schedule of ${account}/${name} updated\n`);
  });
}

export async function checkListCommand(o: { account?: string; json?: boolean }): Promise<void> {
  await withPool(async (pool, config) => {
    if (o.account !== undefined) await accountIdOrUsage(pool, o.account);
    const checks = await listChecks(pool, o.account);
    if (checks.length === 0 && !o.json) process.stdout.write('No checks.\n');
    for (const c of checks) process.stdout.write(show(c, config, Boolean(o.json)));
  });
}

export async function pingKeyCommand(account: string): Promise<void> {
  await withPool(async (pool, config) => {
    const key = await pingKeyOf(pool, account, randomBytes(16).toString('base64url'));
    if (!key) throw await noAccount(pool, account);
    process.stdout.write(`${key}\n  slug URLs: ${baseUrl(config)}/ping/${key}/<slug>\n`);
  });
}
