import pg from 'pg';
import type { GocronRow, ImportPlan } from '../domain/gocron-import.js';
import { ensureAccount } from './accounts.js';
import type { Client } from './pool.js';

/** Reads gocron's table from its own database. */
export async function readGocronTable(url: string): Promise<GocronRow[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'cronwatch-import' });
  await client.connect();
  try {
    const { rows } = await client.query<GocronRow>(
      `SELECT cronname, account, email, ipaddress, frequency, lastruntime, alerted, site FROM gocron ORDER BY account, cronname`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Upserts one imported job. An existing check that has seen a check-in at least as recent
 * as gocron's is left alone: cronwatch already knows better, and re-running the import
 * must not roll it back (idempotent). A check it creates is marked as made by gocron, so
 * the crontab line's check-ins keep updating it as gocron's did; an existing check keeps
 * its origin.
 */
export async function importCheck(
  client: Client,
  p: ImportPlan,
  now: Date,
): Promise<ImportOutcome> {
  const accountId = await ensureAccount(client, p.account);
  const status = p.down ? 'down' : p.lastPingAt ? 'up' : 'new';
  // A job never seen is expected within one period from the import.
  const deadline = p.down
    ? null
    : (p.deadline ?? new Date(now.getTime() + (p.period + p.grace) * 1000));
  const { rows } = await client.query<{ id: number; inserted: boolean }>(
    `INSERT INTO checks (account_id, name, kind, period, grace, status, email, site, last_address,
                         last_ping_at, next_deadline, sweep_at, created_at, updated_at, gocron_origin)
     VALUES ($1, $2, 'simple', $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $11, true)
     ON CONFLICT (account_id, name) DO UPDATE
        SET period = excluded.period, grace = excluded.grace, status = excluded.status, email = excluded.email,
            site = excluded.site, last_address = excluded.last_address, last_ping_at = excluded.last_ping_at,
            next_deadline = excluded.next_deadline, sweep_at = excluded.sweep_at, updated_at = excluded.updated_at
      WHERE checks.last_ping_at IS NULL OR checks.last_ping_at < excluded.last_ping_at
     RETURNING id, (xmax = 0) AS inserted`,
    [
      accountId,
      p.name,
      p.period,
      p.grace,
      status,
      p.email,
      p.site,
      p.address,
      p.lastPingAt,
      deadline,
      now,
    ],
  );
  const row = rows[0];
  if (!row) return 'unchanged';
  if (p.down) {
    // The miss gocron already alerted, recorded so the summary knows since when; no alert.
    await client.query(
      `INSERT INTO flips (check_id, created_at, from_status, to_status, reason) VALUES ($1, $2, 'up', 'down', 'imported from gocron')`,
      [row.id, p.deadline ?? now],
    );
  }
  return row.inserted ? 'created' : 'updated';
}
