// Accounts and API keys from the command line. A key is printed once, when it is made: the
// database keeps only its prefix (to find it) and a hash (to check it).
import { randomBytes } from 'node:crypto';
import { publicBase, type Config } from '../config.js';
import { createAccount, deleteAccount, listAccounts, lockAccount } from '../db/accounts.js';
import { issueApiKey as addKey, listApiKeys, revokeApiKey, type KeyScope } from '../db/api-keys.js';
import { transaction, type Pool } from '../db/pool.js';
import { writeJsonLines } from './output.js';
import { UsageError, withPool, accountIdOrUsage as accountId, noAccount } from './runtime.js';

const ACCOUNT_NAME = /^[^\s\p{C}][^\p{C}]{0,199}$/u;

export async function accountCreateCommand(name: string, o: { json?: boolean }): Promise<void> {
  if (!ACCOUNT_NAME.test(name))
    throw new UsageError('account name must be 1-200 characters, without control characters');
  const write = async (pool: Pool, config: Config) => {
    const made = await transaction(pool, async (client) => {
      const pingKey = randomBytes(16).toString('base64url');
      const id = await createAccount(client, name, pingKey);
      if (id === undefined) return undefined;
      const write = await addKey(client, id, 'write', 'created with the account');
      const read = await addKey(client, id, 'read', 'created with the account');
      return { pingKey, write: write.key, read: read.key };
    });
    if (!made)
      throw new UsageError(
        `account ${JSON.stringify(name)} already exists: add keys to it with \`cronwatch key create ${name}\``,
      );
    if (o.json) {
      process.stdout.write(
        JSON.stringify({
          account: name,
          api_key: made.write,
          api_key_readonly: made.read,
          ping_key: made.pingKey,
        }) + '\n',
      );
      return;
    }
    const base = publicBase(config);
    process.stdout.write(
      `account ${name} created. The keys are shown only now: store them.\n` +
        `  API key (read-write): ${made.write}\n` +
        `  API key (read-only):  ${made.read}\n` +
        `  ping key:             ${made.pingKey}   (slug URLs: ${base}/ping/${made.pingKey}/<slug>)\n`,
    );
  };
  // The first command of a new user, often before the first start: it creates the database.
  await withPool(write, { migrate: true });
}

export async function accountListCommand(o: { json?: boolean }): Promise<void> {
  await withPool(async (pool) => {
    const accounts = await listAccounts(pool);
    if (o.json) {
      writeJsonLines(accounts, (a) => ({
        name: a.name,
        created_at: a.createdAt,
        checks: a.checks,
        channels: a.channels,
        api_keys: a.apiKeys,
      }));
      return;
    }
    if (accounts.length === 0) process.stdout.write('No accounts.\n');
    for (const a of accounts)
      process.stdout.write(
        `${a.name}  ${a.checks} check(s), ${a.channels} channel(s), ${a.apiKeys} API key(s)` +
          `  created ${a.createdAt.toISOString()}\n`,
      );
  });
}

/**
 * Deletes an account with its keys, channels and status pages. One with checks only with
 * --force: their pings and history go too, and nothing can bring them back.
 */
export async function accountRmCommand(
  name: string,
  o: { force?: boolean; json?: boolean },
): Promise<void> {
  await withPool(async (pool) => {
    const checks = await transaction(pool, async (client) => {
      const account = await lockAccount(client, name);
      if (!account) throw await noAccount(client, name);
      if (account.checks > 0 && !o.force)
        throw new UsageError(
          `account ${JSON.stringify(name)} has ${account.checks} check(s): ` +
            `delete them first, or add --force to delete the account with its checks and their history`,
        );
      await deleteAccount(client, account.id);
      return account.checks;
    });
    process.stdout.write(
      o.json
        ? JSON.stringify({ account: name, deleted: true, checks: checks }) + '\n'
        : `account ${name} deleted, with ${checks} check(s)\n`,
    );
  });
}

export async function keyCreateCommand(
  account: string,
  o: { readOnly?: boolean; name?: string; json?: boolean },
): Promise<void> {
  const name = o.name ?? '';
  if (name.length > 200) throw new UsageError('--name must be at most 200 characters');
  await withPool(async (pool) => {
    const id = await accountId(pool, account);
    const scope: KeyScope = o.readOnly ? 'read' : 'write';
    const { key, prefix } = await addKey(pool, id, scope, name);
    if (o.json) {
      process.stdout.write(JSON.stringify({ account, key, prefix, scope, name }) + '\n');
      return;
    }
    process.stdout.write(
      `${scope === 'write' ? 'read-write' : 'read-only'} API key of ${account} (shown only now): ${key}\n` +
        `  prefix ${prefix}: revoke it with \`cronwatch key revoke ${account} ${prefix}\`\n`,
    );
  });
}

export async function keyListCommand(account: string, o: { json?: boolean }): Promise<void> {
  await withPool(async (pool) => {
    const keys = await listApiKeys(pool, await accountId(pool, account));
    if (o.json) {
      writeJsonLines(keys, (k) => ({
        prefix: k.prefix,
        scope: k.scope,
        name: k.name,
        created_at: k.createdAt,
        last_used_at: k.lastUsedAt,
        revoked_at: k.revokedAt,
      }));
      return;
    }
    if (keys.length === 0) process.stdout.write(`No API keys in ${account}.\n`);
    const when = (d: Date | null) => (d ? d.toISOString() : 'never');
    for (const k of keys)
      process.stdout.write(
        `${k.prefix}  ${k.scope === 'write' ? 'read-write' : 'read-only '}  created ${when(k.createdAt)}` +
          `  last used ${when(k.lastUsedAt)}${k.revokedAt ? `  REVOKED ${when(k.revokedAt)}` : ''}` +
          `${k.name ? `  ${JSON.stringify(k.name)}` : ''}\n`,
      );
  });
}

export async function keyRevokeCommand(account: string, prefix: string): Promise<void> {
  await withPool(async (pool) => {
    const result = await revokeApiKey(pool, await accountId(pool, account), prefix, new Date());
    if (result === 'missing')
      throw new UsageError(`no API key with prefix ${JSON.stringify(prefix)} in ${account}`);
    process.stdout.write(
      result === 'revoked'
        ? `API key ${prefix} of ${account} revoked\n`
        : `API key ${prefix} of ${account} was already revoked\n`,
    );
  });
}
