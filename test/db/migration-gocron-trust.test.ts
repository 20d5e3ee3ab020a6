// migrations/0011_gocron_trust.sql on a database that already holds checks: which existing
// checks count as made by gocron check-ins (their check-ins keep upserting them) and which
// are protected from then on.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { migrate, migrationsDir } from '../../src/db/migrate.js';
import { testDatabase } from '../helpers/db.js';

test('existing checks with an email, a period and no slug are gocron’s; the rest are not', async () => {
  const db = await testDatabase({ migrated: false });
  // The schema as it was before 0011.
  const before = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-mig-'));
  try {
    for (const f of await readdir(migrationsDir))
      if (/^\d{4}_.*\.sql$/.test(f) && f < '0011')
        await copyFile(path.join(migrationsDir, f), path.join(before, f));
    await migrate(db.url, before);
  } finally {
    await rm(before, { recursive: true, force: true });
  }
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO accounts (name) VALUES ('acme') RETURNING id`,
  );
  const account = rows[0]!.id;
  // What each path used to store.
  await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, email, kind, period, cron, grace) VALUES
       ($1, 'by-checkin', NULL, 'ops@acme.io', 'simple', 60, NULL, 60),
       ($1, 'by-import-no-email', NULL, NULL, 'simple', 60, NULL, 60),
       ($1, 'by-api', NULL, NULL, 'simple', 3600, NULL, 300),
       ($1, 'by-api-cron', NULL, NULL, 'cron', NULL, '0 3 * * *', 300),
       ($1, 'by-slug', 'by-slug', NULL, 'simple', 86400, NULL, 3600),
       ($1, 'by-cli-slug', 'cli', 'ops@acme.io', 'simple', 600, NULL, 60)`,
    [account],
  );
  await migrate(db.url);
  const flags = await db.pool.query<{ name: string; gocron_origin: boolean }>(
    `SELECT name, gocron_origin FROM checks ORDER BY name`,
  );
  assert.deepEqual(Object.fromEntries(flags.rows.map((r) => [r.name, r.gocron_origin])), {
    'by-api': false,
    'by-api-cron': false,
    'by-checkin': true,
    'by-cli-slug': false,
    'by-import-no-email': false,
    'by-slug': false,
  });
  const modes = await db.pool.query(`SELECT gocron_checkins FROM accounts`);
  assert.deepEqual(modes.rows, [{ gocron_checkins: 'open' }]);
});
