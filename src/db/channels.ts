import type { ChannelKind, ChannelSpec } from '../domain/channel-spec.js';
import { UUID } from '../domain/patterns.js';
import type { Queryable } from './pool.js';

export interface ApiChannel {
  id: string;
  name: string;
  kind: string;
}

/** The account's channels as the Management API lists them (id is the channel's uuid). */
export async function listAccountChannels(db: Queryable, accountId: number): Promise<ApiChannel[]> {
  const { rows } = await db.query<ApiChannel>(
    `SELECT uuid::text AS id, name, kind FROM channels WHERE account_id = $1 ORDER BY channels.id`,
    [accountId],
  );
  return rows;
}

/** A channel row with what the API, the CLI and a test send need. */
export interface ChannelRow {
  id: number;
  uuid: string;
  accountId: number;
  account: string;
  kind: ChannelKind;
  name: string;
  config: Record<string, unknown>;
}

const CHANNEL_COLUMNS = `ch.id, ch.uuid::text AS uuid, ch.account_id AS "accountId", a.name AS account,
                         ch.kind, ch.name, ch.config`;

/** The account's channels with their config, oldest first. */
export async function listChannelRows(db: Queryable, accountId: number): Promise<ChannelRow[]> {
  const { rows } = await db.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS}
       FROM channels ch JOIN accounts a ON a.id = ch.account_id
      WHERE ch.account_id = $1 ORDER BY ch.id`,
    [accountId],
  );
  return rows;
}

/**
 * The account's channel by uuid (the API's id), or, with `byName`, by its name when that
 * is unique in the account (the CLI). `lock` takes a row lock for an update or delete.
 * Another account's channel is not found (invariant 6).
 */
export async function findAccountChannel(
  db: Queryable,
  accountId: number,
  ref: string,
  opts: { byName?: boolean; lock?: boolean } = {},
): Promise<ChannelRow | { error: 'not found' | 'ambiguous' }> {
  const isUuid = UUID.test(ref);
  if (!isUuid && !opts.byName) return { error: 'not found' };
  const { rows } = await db.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS}
       FROM channels ch JOIN accounts a ON a.id = ch.account_id
      WHERE ch.account_id = $1
        AND (${isUuid ? 'ch.uuid = $2::text::uuid' : 'false'} ${opts.byName ? 'OR ch.name = $2::text' : ''})
      ORDER BY ch.id
      ${opts.lock ? 'FOR UPDATE OF ch' : ''}`,
    [accountId, isUuid ? ref.toLowerCase() : ref],
  );
  if (rows.length === 0) return { error: 'not found' };
  // A uuid match wins over a channel that happens to be named like a uuid.
  const exact = rows.find((r) => r.uuid === ref.toLowerCase());
  if (exact) return exact;
  if (rows.length > 1) return { error: 'ambiguous' };
  return rows[0]!;
}

export async function insertChannel(
  db: Queryable,
  accountId: number,
  spec: ChannelSpec,
  now: Date,
): Promise<string> {
  const { rows } = await db.query<{ uuid: string }>(
    `INSERT INTO channels (account_id, kind, name, config, created_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING uuid::text AS uuid`,
    [accountId, spec.kind, spec.name, JSON.stringify(spec.config), now],
  );
  return rows[0]!.uuid;
}

export async function updateChannel(db: Queryable, id: number, spec: ChannelSpec): Promise<void> {
  await db.query(`UPDATE channels SET name = $2, config = $3 WHERE id = $1`, [
    id,
    spec.name,
    JSON.stringify(spec.config),
  ]);
}

/** Deletes the channel; its links to checks go with it (ON DELETE CASCADE). */
export async function deleteChannel(db: Queryable, id: number): Promise<void> {
  await db.query(`DELETE FROM channels WHERE id = $1`, [id]);
}

/** Links a check to a channel; false when it already was. */
export async function linkChannel(
  db: Queryable,
  checkId: number,
  channelId: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [checkId, channelId],
  );
  return rowCount === 1;
}

/** Unlinks a check from a channel; false when it was not linked. */
export async function unlinkChannel(
  db: Queryable,
  checkId: number,
  channelId: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM check_channels WHERE check_id = $1 AND channel_id = $2`,
    [checkId, channelId],
  );
  return rowCount === 1;
}

/** How many checks each of the account's channels is linked to, by channel id. */
export async function linkedCheckCounts(
  db: Queryable,
  accountId: number,
): Promise<Map<number, number>> {
  const { rows } = await db.query<{ id: number; n: number }>(
    `SELECT ch.id, count(cc.check_id)::int AS n
       FROM channels ch LEFT JOIN check_channels cc ON cc.channel_id = ch.id
      WHERE ch.account_id = $1 GROUP BY ch.id`,
    [accountId],
  );
  return new Map(rows.map((r) => [Number(r.id), r.n]));
}
