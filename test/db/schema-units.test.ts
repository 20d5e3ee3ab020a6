// The schema says what its numbers mean (issue 17, code health): migrations/0001_init.sql
// said durations were milliseconds while every writer stores seconds, so a reader of the
// schema (a report, a Grafana panel) would be off by a factor of 1,000.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import request from 'supertest';
import { migrationsDir } from '../../src/db/migrate.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
let clock = new Date('2026-05-01T00:00:00Z');
const app = createApp(frontDeps(db.pool, { clock: () => clock }));

test('durations are stored in the unit the schema states', async () => {
  const { rows: acc } = await db.pool.query(
    `INSERT INTO accounts (name) VALUES ('units') RETURNING id`,
  );
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, period, grace) VALUES ($1, 'timed', 3600, 300) RETURNING uuid`,
    [acc[0].id],
  );
  const uuid = rows[0].uuid as string;
  assert.equal((await request(app).get(`/ping/${uuid}/start`)).status, 200);
  clock = new Date(clock.getTime() + 2500);
  assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
  const stored = await db.pool.query(
    `SELECT c.last_duration, p.duration FROM checks c JOIN pings p ON p.check_id = c.id AND p.kind = 'success'
      WHERE c.uuid = $1`,
    [uuid],
  );
  // A run of 2.5 s.
  assert.deepEqual(stored.rows, [{ last_duration: 2.5, duration: 2.5 }]);

  const sql = await readFile(`${migrationsDir}/0001_init.sql`, 'utf8');
  const stated = /durations are (\w+)/i.exec(sql);
  assert.ok(stated, '0001_init.sql states the unit of durations');
  assert.equal(stated[1], 'seconds');
});
