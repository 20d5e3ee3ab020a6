import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

test('a gocron check-in answers 201 with an empty body and stores the check', async () => {
  const db = await testDatabase();
  const app = createApp(frontDeps(db.pool));
  const res = await request(app).get('/?cronname=a&account=b&email=c@d.io&frequency=60');
  assert.equal(res.status, 201);
  assert.equal(res.text, '');
  const { rows } = await db.pool.query('SELECT name, period FROM checks');
  assert.deepEqual(rows, [{ name: 'a', period: 60 }]);
});
