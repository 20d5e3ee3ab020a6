// `cronwatch channel add|list|rm|test|link|unlink`: an account's email / Slack / webhook
// channels from the command line, with the API's rules (src/domain/channel-spec.ts) and
// queries (src/db/channels.ts). A channel is named by its id (uuid) or its unique name.
import {
  deleteChannel,
  findAccountChannel,
  insertChannel,
  linkChannel,
  linkedCheckCounts,
  listChannelRows,
  unlinkChannel,
  type ChannelRow,
} from '../db/channels.js';
import { lockCheckByName } from '../db/checks.js';
import { transaction, type Queryable } from '../db/pool.js';
import { channelJson, newChannelSpec, type ChannelJson } from '../domain/channel-spec.js';
import { sendChannelTest } from '../notify/channel-test.js';
import { channelRefusal } from '../notify/channel-target.js';
import { redact, settingSource, type Config } from '../config.js';
import { UsageError, configOrExit, withPool, accountIdOrUsage as accountId } from './runtime.js';

async function channelOf(
  db: Queryable,
  account: string,
  ref: string,
  lock = false,
): Promise<ChannelRow> {
  const found = await findAccountChannel(db, await accountId(db, account), ref, {
    byName: true,
    lock,
  });
  if ('error' in found)
    throw new UsageError(
      found.error === 'ambiguous'
        ? `several channels of ${account} are named ${JSON.stringify(ref)}: use the id`
        : `no channel ${JSON.stringify(ref)} in account ${JSON.stringify(account)}`,
    );
  return found;
}

function describe(c: ChannelJson): string {
  const details = Object.entries(c)
    .filter(([k]) => !['id', 'name', 'kind'].includes(k))
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return `${c.id}  ${c.kind.padEnd(7)}  ${JSON.stringify(c.name)}  ${details}`;
}

export interface ChannelAddOptions {
  to?: string;
  url?: string;
  channel?: string;
  secret?: string;
  name?: string;
  /** `--set field=value` (repeatable): the settings of the other integrations. */
  set?: string[];
  json?: boolean;
}

/** `--set token=…` options as fields; a malformed one is a usage error. */
function setOptions(set: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of set ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--set expects field=value (got ${JSON.stringify(pair)})`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export async function channelAddCommand(
  account: string,
  kind: string,
  o: ChannelAddOptions,
): Promise<void> {
  const config = configOrExit();
  const spec = newChannelSpec(
    {
      ...setOptions(o.set),
      kind,
      name: o.name,
      to: o.to,
      url: o.url,
      channel: o.channel,
      secret: o.secret,
    },
    { shellChannels: config.shellChannels !== undefined },
  );
  // The API's messages name body fields; here they are options.
  if ('error' in spec)
    throw new UsageError(
      spec.error
        .replace(/^(to|url|channel|secret|name)\b/, '--$1')
        .replace(/^kind\b/, 'the kind')
        .replace(/^([a-z_]+) (?=is required|must|is not a field)/, '--set $1 '),
    );
  const refused = await channelRefusal(spec, config.outboundAllowPrivate);
  if (refused) throw new UsageError(refused.replace(/^url\b/, '--url'));
  await withPool(async (pool) => {
    const id = await accountId(pool, account);
    const uuid = await insertChannel(pool, id, spec, new Date());
    const json = channelJson({ uuid, ...spec });
    process.stdout.write(
      o.json
        ? JSON.stringify(json) + '\n'
        : `created ${spec.kind} channel ${uuid} of ${account}\n  ${describe(json)}\n` +
            `  link it to a check: cronwatch channel link ${account} <check-name> ${uuid}\n`,
    );
  });
}

export async function channelListCommand(account: string, o: { json?: boolean }): Promise<void> {
  await withPool(async (pool) => {
    const id = await accountId(pool, account);
    const rows = await listChannelRows(pool, id);
    const linked = await linkedCheckCounts(pool, id);
    if (o.json) {
      for (const r of rows)
        process.stdout.write(
          JSON.stringify({ ...channelJson(r), checks: linked.get(r.id) ?? 0 }) + '\n',
        );
      return;
    }
    if (rows.length === 0) process.stdout.write(`No channels in ${account}.\n`);
    for (const r of rows)
      process.stdout.write(`${describe(channelJson(r))}; ${linked.get(r.id) ?? 0} check(s)\n`);
  });
}

export async function channelRmCommand(
  account: string,
  ref: string,
  o: { json?: boolean } = {},
): Promise<void> {
  await withPool(async (pool) => {
    const c = await transaction(pool, async (client) => {
      const channel = await channelOf(client, account, ref, true);
      await deleteChannel(client, channel.id);
      return channel;
    });
    process.stdout.write(
      o.json
        ? JSON.stringify({ id: c.uuid, name: c.name, deleted: true }) + '\n'
        : `channel ${c.uuid} (${JSON.stringify(c.name)}) of ${account} deleted\n`,
    );
  });
}

export async function channelTestCommand(
  account: string,
  ref: string,
  o: { json?: boolean } = {},
): Promise<void> {
  await withPool(async (pool, config) => {
    const channel = await channelOf(pool, account, ref);
    const result = await sendChannelTest(config, channel);
    const settings = channel.kind === 'email' ? smtpSettings(config) : '';
    if ('error' in result) throw new Error(`test notification failed: ${result.error}${settings}`);
    process.stdout.write(
      o.json
        ? JSON.stringify({ id: channel.uuid, ok: true }) + '\n'
        : `test notification sent through ${channel.kind} channel ${JSON.stringify(channel.name)}${settings}\n`,
    );
  });
}

/**
 * Which SMTP settings this command used and where they came from. The CLI reads its own
 * environment (and ./.env), not the service's: without this an unset SMTP_URL read as
 * "email is not configured" although the service had it.
 */
function smtpSettings(config: Config): string {
  if (!config.smtp)
    return (
      '. SMTP_URL is not set for this command (not in its environment, nor in ./.env); the ' +
      "service may have it in its own settings: pass them with `cronwatch --settings <file> channel test …`, e.g. the systemd units' /etc/cronwatch/cronwatch.env"
    );
  return ` (SMTP_URL ${redact(config.smtp.url)} from ${settingSource('SMTP_URL')})`;
}

function linkCommand(link: boolean) {
  return async (account: string, checkName: string, ref: string): Promise<void> => {
    await withPool(async (pool) => {
      const [changed, channel] = await transaction(pool, async (client) => {
        const check = await lockCheckByName(client, account, checkName);
        if (!check)
          throw new UsageError(
            `no check ${JSON.stringify(checkName)} in account ${JSON.stringify(account)}`,
          );
        const channel = await channelOf(client, account, ref);
        const changed = link
          ? await linkChannel(client, check.id, channel.id)
          : await unlinkChannel(client, check.id, channel.id);
        return [changed, channel] as const;
      });
      const what = `${account}/${checkName} and channel ${JSON.stringify(channel.name)}`;
      process.stdout.write(
        link
          ? changed
            ? `linked ${what}\n`
            : `${what} were already linked\n`
          : changed
            ? `unlinked ${what}\n`
            : `${what} were not linked\n`,
      );
    });
  };
}

export const channelLinkCommand = linkCommand(true);
export const channelUnlinkCommand = linkCommand(false);
