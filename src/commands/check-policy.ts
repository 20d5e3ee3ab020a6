// `cronwatch check policy|ack` and `cronwatch maintenance add|list|rm` (issue 16): the alert
// policies from the command line, with the API's rules and messages (domain/policy-*.ts).
import { uuidsByName } from '../db/dependencies.js';
import { deleteWindow, insertWindow, listWindows } from '../db/maintenance.js';
import { acknowledge } from '../db/policy-state.js';
import { applyPolicyInput } from '../db/policy-settings.js';
import { lockCheckByName } from '../db/checks.js';
import { transaction, type Client } from '../db/pool.js';
import { UUID } from '../domain/patterns.js';
import { parsePolicyFields, PolicyError } from '../domain/policy-input.js';
import { parseWindowBody } from '../domain/policy-window-input.js';
import { accountIdOrUsage, noCheck, UsageError, withPool } from './runtime.js';

export interface PolicyOptions {
  failureThreshold?: string;
  successThreshold?: string;
  minRuntime?: string;
  maxRuntime?: string;
  repeatEvery?: string;
  repeatLimit?: string;
  dependsOn?: string;
  snoozeUntil?: string;
  json?: boolean;
}

/** "none" clears a setting; a number is a number; anything else is passed on to be refused. */
function value(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  if (v === 'none') return null;
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

async function lockNamed(client: Client, account: string, name: string) {
  const check = await lockCheckByName(client, account, name);
  if (!check) throw await noCheck(client, account, name);
  return check;
}

async function dependsOn(client: Client, account: string, list: string | undefined) {
  if (list === undefined) return undefined;
  if (list === 'none' || list === '') return [];
  const names = list.split(',').map((n) => n.trim());
  const uuids = await uuidsByName(client, await accountIdOrUsage(client, account), names);
  const missing = names.filter((n) => !uuids.has(n));
  if (missing.length) throw new UsageError(`--depends-on: no check named ${missing.join(', ')}`);
  return names.map((n) => uuids.get(n)!);
}

export async function checkPolicyCommand(account: string, name: string, o: PolicyOptions) {
  await withPool(async (pool) => {
    const shown = await transaction(pool, async (client) => {
      const check = await lockNamed(client, account, name);
      let input;
      try {
        input = parsePolicyFields({
          failure_threshold: value(o.failureThreshold),
          success_threshold: value(o.successThreshold),
          min_runtime: value(o.minRuntime),
          max_runtime: value(o.maxRuntime),
          repeat_every: value(o.repeatEvery),
          repeat_limit: value(o.repeatLimit),
          depends_on: await dependsOn(client, account, o.dependsOn),
          snoozed_until: o.snoozeUntil === 'none' ? null : o.snoozeUntil,
        });
      } catch (err) {
        if (err instanceof PolicyError) throw new UsageError(err.message);
        throw err;
      }
      if (input) {
        const accountId = await accountIdOrUsage(client, account);
        const refused = await applyPolicyInput(client, accountId, check, input);
        if (refused) throw new UsageError(refused);
      }
      const { rows } = await client.query(
        `SELECT failure_threshold, success_threshold, min_runtime, max_runtime, repeat_every,
                repeat_limit, snoozed_until, acked_at IS NOT NULL AS acknowledged
           FROM checks WHERE id = $1`,
        [check.id],
      );
      return rows[0] as Record<string, unknown>;
    });
    process.stdout.write(
      o.json
        ? JSON.stringify({ account, name, ...shown }) + '\n'
        : `${account}/${name} ${Object.entries(shown)
            .map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : (v ?? 'none')}`)
            .join(' ')}\n`,
    );
  });
}

export async function checkAckCommand(account: string, name: string): Promise<void> {
  await withPool(async (pool) => {
    await transaction(pool, async (client) => {
      const check = await lockNamed(client, account, name);
      if (!(await acknowledge(client, check.id, new Date())))
        throw new UsageError(
          `${account}/${name} is not down with an alert out: nothing to acknowledge`,
        );
    });
    process.stdout.write(`${account}/${name} acknowledged: no repeats until it recovers\n`);
  });
}

export interface WindowOptions {
  check?: string;
  tag?: string;
  cron?: string;
  duration?: string;
  tz?: string;
  from?: string;
  to?: string;
}

export async function maintenanceAddCommand(account: string, o: WindowOptions): Promise<void> {
  await withPool(async (pool) => {
    const w = await transaction(pool, async (client) => {
      const accountId = await accountIdOrUsage(client, account);
      const target = o.check ? await lockNamed(client, account, o.check) : undefined;
      const body = parseWindowBody({
        check: target?.uuid,
        tag: o.tag,
        cron: o.cron,
        duration: value(o.duration),
        tz: o.tz,
        from: o.from,
        to: o.to,
      });
      if ('error' in body) throw new UsageError(body.error);
      return insertWindow(client, accountId, { ...body, checkId: target?.id ?? null }, new Date());
    });
    process.stdout.write(JSON.stringify(w) + '\n');
  });
}

export async function maintenanceListCommand(account: string): Promise<void> {
  await withPool(async (pool) => {
    const windows = await listWindows(pool, await accountIdOrUsage(pool, account));
    for (const w of windows) process.stdout.write(JSON.stringify(w) + '\n');
  });
}

export async function maintenanceRmCommand(account: string, uuid: string): Promise<void> {
  await withPool(async (pool) => {
    const accountId = await accountIdOrUsage(pool, account);
    if (!UUID.test(uuid) || !(await deleteWindow(pool, accountId, uuid)))
      throw new UsageError(`account ${account} has no maintenance window ${uuid}`);
    process.stdout.write(`maintenance window ${uuid} removed\n`);
  });
}
