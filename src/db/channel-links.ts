// Which checks and jobs a channel alerts for, and where a check's alerts go: the dashboard's
// channel pages and check page. A job alerts through the channels of the check that records
// its runs. Every query is scoped by account (invariant 6).
import type { Queryable } from './pool.js';

export interface LinkedItem {
  /** The check's or job's uuid (the dashboard links to it). */
  uuid: string;
  name: string;
}

export interface ChannelUse {
  checks: LinkedItem[];
  jobs: LinkedItem[];
}

/** For each of the account's channels (by id): its checks and jobs, by name. */
export async function channelUses(
  db: Queryable,
  accountId: number,
): Promise<Map<number, ChannelUse>> {
  const { rows } = await db.query<{
    id: number;
    what: 'check' | 'job';
    uuid: string;
    name: string;
  }>(
    `SELECT cc.channel_id AS id, 'check' AS what, c.uuid::text AS uuid, c.name
       FROM check_channels cc JOIN checks c ON c.id = cc.check_id
      WHERE c.account_id = $1
     UNION ALL
     SELECT cc.channel_id, 'job', j.uuid::text, j.name
       FROM check_channels cc JOIN jobs j ON j.check_id = cc.check_id
      WHERE j.account_id = $1 AND j.status <> 'deleted'
      ORDER BY 4, 3`,
    [accountId],
  );
  const out = new Map<number, ChannelUse>();
  for (const r of rows) {
    const use = out.get(Number(r.id)) ?? { checks: [], jobs: [] };
    (r.what === 'check' ? use.checks : use.jobs).push({ uuid: r.uuid, name: r.name });
    out.set(Number(r.id), use);
  }
  return out;
}

export interface CheckChannel {
  uuid: string;
  name: string;
  kind: string;
}

/** The channels a check's alerts go to, by name. */
export async function checkChannels(db: Queryable, checkId: number): Promise<CheckChannel[]> {
  const { rows } = await db.query<CheckChannel>(
    `SELECT ch.uuid::text AS uuid, ch.name, ch.kind
       FROM check_channels cc JOIN channels ch ON ch.id = cc.channel_id
      WHERE cc.check_id = $1 ORDER BY ch.name, ch.id`,
    [checkId],
  );
  return rows;
}
