// Request logs carry no secrets: API keys (header or /metrics/<key>), session cookies and
// bearer tokens are written as [redacted], while the rest of the request is still logged.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { redactUrl } from '../../src/front/request-log.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { csrfOf } from '../helpers/web.js';

const db = await testDatabase();
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});
const deps = frontDeps(db.pool, { env: { METRICS_TOKEN: 'x'.repeat(16) + 'secret-token' } });
const app = createApp({ ...deps, logger: pino({ level: 'info' }, sink) });
const account = await newAccount(db.pool, 'log');
const key = await newKey(db.pool, account, 'read');

test('API keys, cookies, tokens and /metrics/<key> never reach the log', async () => {
  await request(app).get('/api/v3/checks/').set('X-Api-Key', key).expect(200);
  await request(app).get(`/metrics/${key}`).expect(200);
  await request(app)
    .get('/metrics')
    .set('Authorization', `Bearer ${'x'.repeat(16)}secret-token`)
    .expect(200);
  const form = await request(app).get('/login');
  const loginCookie = /cw_login=[^;]+/.exec(String(form.headers['set-cookie']))![0];
  const signedIn = await request(app)
    .post('/login')
    .set('Cookie', loginCookie)
    .type('form')
    .send({ _csrf: csrfOf(form.text), key });
  assert.equal(signedIn.status, 303);
  const session = /cw_session=([^;]+)/.exec(String(signedIn.headers['set-cookie']))![1]!;
  await request(app).get('/dashboard').set('Cookie', `cw_session=${session}`).expect(200);

  const log = lines.join('\n');
  assert.ok(lines.length >= 5, `${lines.length} request lines`);
  for (const secret of [key, session, 'secret-token', loginCookie.split('=')[1]!])
    assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 8)}…`);
  assert.match(log, /"url":"\/metrics\/\[redacted\]"/);
  assert.match(log, /"x-api-key":"\[redacted\]"/);
  assert.match(log, /"cookie":"\[redacted\]"/);
  assert.match(log, /"set-cookie":"\[redacted\]"/);
  assert.match(log, /"url":"\/api\/v3\/checks\/"/, 'the rest of the request is still logged');
});

test('redactUrl hides only the key segment of /metrics/<key>', () => {
  assert.equal(redactUrl('/metrics/abc?x=1'), '/metrics/[redacted]?x=1');
  assert.equal(redactUrl('/metrics'), '/metrics');
  assert.equal(redactUrl('/api/v3/metrics/abc'), '/api/v3/metrics/abc');
  assert.equal(redactUrl(undefined), undefined);
});
