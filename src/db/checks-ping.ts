// Queries on checks for check-ins of every form: find and lock the pinged checks (by uuid,
// by ping key and slug, by gocron's account and cronname), and create one where the form
// allows it (a slug ping with ?create=1, a gocron check-in).
import type { GocronMode } from '../domain/gocron-trust.js';
import type { PingCheck } from '../domain/ping.js';
import type { GocronTarget, Target } from './ping.js';
import { POLICY_COLUMNS } from './policy-state.js';
import type { Queryable } from './pool.js';

/** A check as a healthchecks-style ping sees it, locked for the ping's transaction. */
export interface PingTarget extends PingCheck {
  id: number;
  uuid: string;
  name: string;
  account: string;
}

export const PING_TARGET = `c.id, c.uuid, c.name, a.name AS account, c.status, c.kind, c.period, c.cron, c.tz, c.grace,
  c.started_at AS "startedAt", c.run_id AS "runId", c.next_deadline AS "nextDeadline",
  c.manual_resume AS "manualResume", ${POLICY_COLUMNS}`;

/** A locked check with what every form needs to tell whether a check-in names it. */
export interface LockedTarget extends PingTarget {
  pingCount: number;
  slug: string | null;
  /** Its account's ping key (slug URLs, gocron `key` mode) and gocron check-in mode. */
  pingKey: string | null;
  accountMode: GocronMode;
  /** Made by a gocron check-in or import-gocron: check-ins may change its settings. */
  gocronOrigin: boolean;
}

const LOCKED_TARGET = `${PING_TARGET}, c.ping_count AS "pingCount", c.slug, a.ping_key AS "pingKey",
  a.gocron_checkins AS "accountMode", c.gocron_origin AS "gocronOrigin"`;

/**
 * The checks that the records `k` (form, uuid, k1, k2) name (`matches` > 1: an ambiguous
 * slug; `open`: a gocron check-in needs no key check), one index probe per
 * record: LATERAL with LIMIT keeps the planner from joining the records to every check of
 * an account (a hash join over 10,000 checks cost 2.8 ms of PostgreSQL per slug ping).
 */
export const TARGET_IDS = `
  SELECT k.*, t.id, t.gocron_origin, t.open, t.matches FROM k, LATERAL (
    SELECT c.id, c.gocron_origin, true AS open, count(*) OVER () AS matches FROM checks c
     WHERE k.form = 'uuid' AND c.uuid = k.uuid
    UNION ALL
    SELECT c.id, c.gocron_origin, true, count(*) OVER () FROM accounts a
      JOIN checks c ON c.account_id = a.id AND c.slug = k.k2
     WHERE k.form = 'slug' AND a.ping_key = k.k1
    UNION ALL
    SELECT c.id, c.gocron_origin, a.gocron_checkins = 'open', count(*) OVER () FROM accounts a
      JOIN checks c ON c.account_id = a.id AND c.name = k.k2
     WHERE k.form = 'gocron' AND a.name = k.k1
    LIMIT 2) t`;

/** The key of a target in the maps of lockTargets: one string per check it may name. */
export function targetKey(t: Target): string {
  if ('uuid' in t) return `u ${t.uuid}`;
  if ('slug' in t) return `s ${t.pingKey}\n${t.slug}`;
  return `g ${t.gocron.account}\n${t.gocron.name}`;
}

/**
 * Locks every existing check the targets name, in one statement and in id order: two
 * flushes (two fronts) never wait on each other in a cycle. FOR NO KEY UPDATE, as an
 * UPDATE takes: it leaves foreign-key checks of other transactions (an API write of a flip)
 * unblocked, and still makes the sweep's SKIP LOCKED skip the row. Returns the checks by
 * targetKey; a slug key may name several checks (ambiguous, 409).
 */
export async function lockTargets(
  db: Queryable,
  targets: Target[],
): Promise<Map<string, LockedTarget[]>> {
  // uuid targets alone (a job trigger's runs, most fronts' locked check-ins): one probe of
  // the uuid index per key, without the three-form lateral of TARGET_IDS.
  const uuids = targets.flatMap((t) => ('uuid' in t ? [t.uuid] : []));
  if (uuids.length === targets.length) return filed(await lockByUuid(db, uuids));
  const keys = targets.map((t) =>
    'uuid' in t
      ? { form: 'uuid', uuid: t.uuid }
      : 'slug' in t
        ? { form: 'slug', k1: t.pingKey, k2: t.slug }
        : { form: 'gocron', k1: t.gocron.account, k2: t.gocron.name },
  );
  const { rows } = await db.query<LockedTarget>({
    // Named: parsed and planned once per connection, not per flush.
    name: 'checkin-lock-targets',
    text: `WITH k AS (SELECT * FROM json_to_recordset($1::json) AS k(form text, uuid uuid, k1 text, k2 text)),
       ids AS (${TARGET_IDS})
       SELECT ${LOCKED_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
        WHERE c.id = ANY(ARRAY(SELECT id FROM ids))
        ORDER BY c.id
          FOR NO KEY UPDATE OF c`,
    values: [JSON.stringify(keys)],
  });
  return filed(rows);
}

async function lockByUuid(db: Queryable, uuids: string[]): Promise<LockedTarget[]> {
  const { rows } = await db.query<LockedTarget>({
    name: 'checkin-lock-uuids',
    text: `SELECT ${LOCKED_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
        WHERE c.id = ANY(ARRAY(SELECT id FROM checks WHERE uuid = ANY($1::uuid[])))
        ORDER BY c.id
          FOR NO KEY UPDATE OF c`,
    values: [uuids],
  });
  return rows;
}

function filed(rows: LockedTarget[]): Map<string, LockedTarget[]> {
  const found = new Map<string, LockedTarget[]>();
  for (const c of rows) addTarget(found, c);
  return found;
}

/** Files a locked check under every key that names it (its uuid, slug and name). */
export function addTarget(found: Map<string, LockedTarget[]>, c: LockedTarget): void {
  const keys = [`u ${c.uuid}`, `g ${c.account}\n${c.name}`];
  if (c.slug !== null && c.pingKey !== null) keys.push(`s ${c.pingKey}\n${c.slug}`);
  for (const key of keys) {
    const list = found.get(key) ?? [];
    if (!list.some((x) => x.id === c.id)) list.push(c);
    found.set(key, list);
  }
}

/** The check (account name, check name), locked: the one a gocron check-in just created. */
export async function lockGocronCheck(
  db: Queryable,
  account: string,
  name: string,
): Promise<LockedTarget | undefined> {
  const { rows } = await db.query<LockedTarget>(
    `SELECT ${LOCKED_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.name = $1 AND c.name = $2
        FOR NO KEY UPDATE OF c`,
    [account, name],
  );
  return rows[0];
}

/** Checks of the account with this ping key and slug (more than one: ambiguous, 409). */
export async function lockChecksBySlug(
  db: Queryable,
  pingKey: string,
  slug: string,
): Promise<LockedTarget[]> {
  const { rows } = await db.query<LockedTarget>(
    `SELECT ${LOCKED_TARGET} FROM checks c JOIN accounts a ON a.id = c.account_id
      WHERE a.ping_key = $1 AND c.slug = $2
      ORDER BY c.id LIMIT 2
        FOR NO KEY UPDATE OF c`,
    [pingKey, slug],
  );
  return rows;
}

export interface SlugAccount {
  id: number;
  checks: number;
}

/** The account of a ping key and its number of checks (for the auto-create limit). */
export async function accountByPingKey(
  db: Queryable,
  pingKey: string,
): Promise<SlugAccount | undefined> {
  const { rows } = await db.query<SlugAccount>(
    `SELECT a.id, (SELECT count(*) FROM checks c WHERE c.account_id = a.id)::int AS checks
       FROM accounts a WHERE a.ping_key = $1
        FOR UPDATE`,
    [pingKey],
  );
  return rows[0];
}

/** A check created by `?create=1`, named after its slug; false if the name is taken. */
export async function insertSlugCheck(
  db: Queryable,
  accountId: number,
  slug: string,
  period: number,
  grace: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO checks (account_id, name, slug, kind, period, grace, status, created_at, updated_at)
     VALUES ($1, $2, $2, 'simple', $3, $4, 'new', $5, $5)
     ON CONFLICT (account_id, name) DO NOTHING`,
    [accountId, slug, period, grace, now],
  );
  return rowCount === 1;
}

/**
 * A check created by a gocron check-in, marked as made by gocron (its later check-ins may
 * change it). It starts `new`: its first check-in is then applied as any ping is (new → up,
 * recorded without an alert). False when another transaction created it first.
 */
export async function insertGocronCheck(
  db: Queryable,
  accountId: number,
  g: GocronTarget,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO checks (account_id, name, kind, period, grace, status, email, site, created_at,
                         updated_at, gocron_origin)
     VALUES ($1, $2, 'simple', $3, $4, 'new', $5, $6, $7, $7, true)
     ON CONFLICT (account_id, name) DO NOTHING`,
    [accountId, g.name, g.period, g.grace, g.email, g.site, now],
  );
  return rowCount === 1;
}
