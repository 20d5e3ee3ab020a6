// Two populated accounts behind a served front, made through the real routes where one
// exists: the fuzz tests aim their requests at these (and at what does not exist), the
// isolation test uses one account's keys on the other's objects.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Pool } from '../../src/db/pool.js';
import { newAccount, newKey } from './api.js';

export interface Seeded {
  id: number;
  name: string;
  rw: string;
  ro: string;
  pingKey: string;
  badgeKey: string;
  /** uuids of the account's checks; the first has pings (one with a body) and a flip. */
  checks: string[];
  slugs: string[];
  /** The read-only key's view of the first check. */
  uniqueKey: string;
  channels: string[];
  statusPage: string;
  /** `Cookie` header value of a signed-in dashboard session, and its CSRF token. */
  cookie: string;
  csrf: string;
}

let seq = 0;

async function call(
  base: string,
  method: string,
  path: string,
  init: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(base + path, {
    method,
    redirect: 'manual',
    headers: {
      ...(init.key ? { 'X-Api-Key': init.key } : {}),
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function json<T>(res: Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, text);
  return JSON.parse(text) as T;
}

const setCookies = (r: Response) => r.headers.getSetCookie().map((c) => c.split(';')[0]!);

async function signIn(base: string, key: string): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${base}/login`);
  const login = setCookies(form).join('; ');
  const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: login },
    body: new URLSearchParams({ _csrf: loginCsrf, key }).toString(),
  });
  assert.equal(res.status, 303, await res.text());
  const cookie = setCookies(res)
    .filter((c) => !c.endsWith('='))
    .join('; ');
  const page = await fetch(`${base}/dashboard`, { headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return { cookie, csrf };
}

/** An account with keys of both scopes, checks with pings and a flip, a channel, a status page. */
export async function seedAccount(pool: Pool, port: number): Promise<Seeded> {
  const base = `http://127.0.0.1:${port}`;
  const n = ++seq;
  const id = await newAccount(pool, 'world');
  const rw = await newKey(pool, id, 'write');
  const ro = await newKey(pool, id, 'read');
  const pingKey = randomBytes(12).toString('base64url');
  const { rows } = await pool.query(
    `UPDATE accounts SET ping_key = $2 WHERE id = $1 RETURNING name`,
    [id, pingKey],
  );
  const channel = await json<{ id: string }>(
    call(base, 'POST', '/api/v3/channels/', {
      key: rw,
      body: { kind: 'email', name: `mail-${n}`, to: `ops${n}@example.com` },
    }),
    201,
  );
  const checks: string[] = [];
  const slugs = [`job-${n}-a`, `job-${n}-b`];
  for (const [i, slug] of slugs.entries()) {
    const check = await json<{ uuid: string }>(
      call(base, 'POST', '/api/v3/checks/', {
        key: rw,
        body: { name: slug, slug, tags: `t${n} prod`, timeout: 3600, grace: 60, channels: '*' },
      }),
      201,
    );
    checks.push(check.uuid);
    if (i === 0) {
      // new → up is a flip; the body makes /pings/{n}/body answer.
      for (const [suffix, body] of [
        ['/start', ''],
        ['', 'backup done\n'],
      ] as const) {
        const r = await fetch(`${base}/ping/${check.uuid}${suffix}`, { method: 'POST', body });
        assert.equal(r.status, 200, await r.text());
      }
    }
  }
  // A job (and its watching check); a documentation address, so saving it needs no DNS and
  // nothing is ever called: no back runs in these tests.
  await json<{ uuid: string }>(
    call(base, 'POST', '/api/v3/jobs/', {
      key: rw,
      body: { name: `job-${n}`, every: 3600, url: 'https://192.0.2.10/hook', tags: `t${n}` },
    }),
    201,
  );
  // A maintenance window (issue 16), far in the future: it silences nothing in these tests.
  await json(
    call(base, 'POST', '/api/v3/maintenance_windows/', {
      key: rw,
      // On a tag, not a check: the isolation sweep deletes a check before the window.
      body: { tag: `t${n}`, from: '2099-01-01T00:00:00Z', to: '2099-01-02T00:00:00Z' },
    }),
    201,
  );
  const seen = await json<{ unique_key: string }>(
    call(base, 'GET', `/api/v3/checks/${checks[0]}`, { key: ro }),
    200,
  );
  // The badge key is made on first use, by the API's badge list.
  const badges = await json<{ badges: Record<string, { svg: string }> }>(
    call(base, 'GET', '/api/v3/badges/', { key: ro }),
    200,
  );
  const badgeKey = /\/badge\/([A-Za-z0-9_-]{22})/.exec(badges.badges['*']!.svg)![1]!;
  const statusPage = `status-${n}-${randomBytes(3).toString('hex')}`;
  await pool.query(`INSERT INTO status_pages (account_id, slug, title) VALUES ($1, $2, $3)`, [
    id,
    statusPage,
    `Status ${n}`,
  ]);
  return {
    id,
    name: rows[0].name,
    rw,
    ro,
    pingKey,
    badgeKey,
    checks,
    slugs,
    uniqueKey: seen.unique_key,
    channels: [channel.id],
    statusPage,
    ...(await signIn(base, rw)),
  };
}

/** A back heartbeat, so /healthz answers 200 (and a 503 there means something broke). */
export async function backSeen(pool: Pool): Promise<void> {
  await pool.query(
    `INSERT INTO back_instances (id, hostname, pid, started_at, seen_at)
     VALUES ('fuzz', 'localhost', $1, now(), now())
     ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
    [process.pid],
  );
}

/**
 * Puts back the account's channels, checks, their links and its status pages as they are
 * now, whenever later requests deleted them: a fuzz run that deletes a seeded check would
 * otherwise leave every later run aiming at nothing.
 */
export async function restorer(pool: Pool, accountId: number): Promise<() => Promise<void>> {
  const tables = ['channels', 'checks', 'check_channels', 'status_pages'] as const;
  const { rows } = await pool.query(
    `SELECT (SELECT jsonb_agg(x) FROM channels x WHERE account_id = $1) AS channels,
            (SELECT jsonb_agg(x) FROM checks x WHERE account_id = $1) AS checks,
            (SELECT jsonb_agg(x) FROM check_channels x
              WHERE check_id IN (SELECT id FROM checks WHERE account_id = $1)) AS check_channels,
            (SELECT jsonb_agg(x) FROM status_pages x WHERE account_id = $1) AS status_pages`,
    [accountId],
  );
  const saved = tables.map((t) => rows[0][t] ?? []);
  // One statement, one round trip per run: the links' foreign keys are checked at its end,
  // after the checks and channels they name are back.
  const sql =
    tables
      .map(
        (t, i) =>
          `${i ? ', ' : 'WITH '}r_${t} AS (INSERT INTO ${t} OVERRIDING SYSTEM VALUE
             SELECT * FROM jsonb_populate_recordset(NULL::${t}, $${i + 1}) ON CONFLICT DO NOTHING)`,
      )
      .join('\n') + ' SELECT 1';
  return async () =>
    void (await pool.query(
      sql,
      saved.map((s) => JSON.stringify(s)),
    ));
}
