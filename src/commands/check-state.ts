// `cronwatch check pause|resume|rm <account> <name>`: the API's pause, resume and delete
// (src/db/check-write.ts) from the command line.
import { pauseCheck, resumeCheck, deleteCheck } from '../db/check-write.js';
import { lockCheckByName, type LockedCheck } from '../db/checks.js';
import { transaction, type Client } from '../db/pool.js';
import { noCheck, UsageError, withPool } from './runtime.js';

async function withCheck(
  account: string,
  name: string,
  fn: (client: Client, check: LockedCheck) => Promise<void>,
  done: string,
  json: boolean,
): Promise<void> {
  await withPool(async (pool) => {
    await transaction(pool, async (client) => {
      const check = await lockCheckByName(client, account, name);
      if (!check) throw await noCheck(client, account, name);
      await fn(client, check);
    });
    process.stdout.write(
      json
        ? JSON.stringify({ account, name, outcome: done.split(' ')[0] }) + '\n'
        : `${account}/${name} ${done}\n`,
    );
  });
}

export interface StateOptions {
  json?: boolean;
}

export function checkPauseCommand(
  account: string,
  name: string,
  o: StateOptions = {},
): Promise<void> {
  return withCheck(
    account,
    name,
    (c, check) => pauseCheck(c, check.id, new Date()),
    'paused',
    Boolean(o.json),
  );
}

export function checkResumeCommand(
  account: string,
  name: string,
  o: StateOptions = {},
): Promise<void> {
  return withCheck(
    account,
    name,
    async (c, check) => {
      if (check.status !== 'paused') throw new UsageError(`${account}/${name} is not paused`);
      await resumeCheck(c, check.id, new Date());
    },
    'resumed (new: nothing is expected until its next ping)',
    Boolean(o.json),
  );
}

export function checkRmCommand(account: string, name: string, o: StateOptions = {}): Promise<void> {
  return withCheck(
    account,
    name,
    (c, check) => deleteCheck(c, check.id),
    'deleted',
    Boolean(o.json),
  );
}
