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

// Issue 15: the log hid the key of /metrics/<key> in that one spelling only.
test('redactUrl reads keyed routes in every spelling the router (or a looser reading) maps to them', () => {
  const uuid = '0f0e0d0c-0b0a-4908-8706-050403020100';
  const cases: [string, string][] = [
    ['/METRICS/k3y', '/METRICS/[redacted]'],
    ['/Metrics/k3y?x=1', '/Metrics/[redacted]?x=1'],
    ['//metrics/k3y', '/metrics/[redacted]'],
    ['/./metrics/k3y', '/metrics/[redacted]'],
    ['/x/../metrics/k3y', '/metrics/[redacted]'],
    ['/%2e/metrics//k3y', '/metrics/[redacted]'],
    ['/%6Detrics/k3y', '/metrics/[redacted]'],
    ['/metrics%2Fk3y', '/metrics/[redacted]'],
    ['/metrics%2f%2Fk3y', '/metrics/[redacted]'],
    ['/metrics\\k3y', '/metrics/[redacted]'],
    ['//ping/pk3y/backup', '/ping/[redacted]/backup'],
    ['/PING/pk3y/backup/start', '/PING/[redacted]/backup/start'],
    ['/ping/pk3y%2Fbackup', '/ping/[redacted]/backup'],
    ['/ping/pk3y', '/ping/[redacted]'],
    [`/ping/${uuid}/fail`, `/ping/${uuid}/fail`],
    [`/ping/${uuid.toUpperCase()}`, `/ping/${uuid.toUpperCase()}`],
    [
      '/?cronname=a&key=pk3y&KEY=pk3y&k%65y=pk3y',
      '/?cronname=a&key=[redacted]&KEY=[redacted]&k%65y=[redacted]',
    ],
    ['/metrics/k3y%zz', '[redacted]'],
    ['/api/v3/checks/a%2Fb', '/api/v3/checks/a%2Fb'],
  ];
  for (const [url, logged] of cases) assert.equal(redactUrl(url), logged, url);
});

test('no spelling of /metrics/<key> or /ping/<ping key>/… puts the key in the log', async () => {
  const debugLines: string[] = [];
  const debugSink = new Writable({
    write(chunk: Buffer, _enc, done) {
      debugLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // At debug level: ping routes log each request only then.
  const debugApp = createApp({ ...deps, logger: pino({ level: 'debug' }, debugSink) });
  const pingKey = 'pk_log_' + 'q'.repeat(16);
  await db.pool.query(`UPDATE accounts SET ping_key = $2 WHERE id = $1`, [account, pingKey]);
  await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace) VALUES ($1, 'nightly', 'nightly', 3600, 300)`,
    [account],
  );
  const served: [string, number][] = [
    [`/metrics/${key}`, 200],
    [`//metrics/${key}`, 404],
    [`/./metrics/${key}`, 200],
    [`/%6Detrics/${key}`, 200],
    [`/metrics//${key}`, 404],
    [`/METRICS/${key}`, 404],
    [`/Metrics/${key}`, 404],
    [`/metrics%2F${key}`, 404],
    [`/ping/${pingKey}/nightly`, 200],
    [`//ping/${pingKey}/nightly`, 404],
    [`/./ping/${pingKey}/nightly/start`, 200],
    [`/ping/${pingKey}/night%6Cy`, 200],
    [`/PING/${pingKey}/nightly`, 404],
    [`/ping/${pingKey}%2Fnightly`, 404],
    [`/ping%2F${pingKey}%2Fnightly`, 404],
    [`/ping/${pingKey}/nightly%zz`, 400],
    [`/metrics/${key}%zz`, 400],
  ];
  for (const [url, status] of served) {
    const res = await request(debugApp).get(url);
    assert.equal(res.status, status, url);
  }
  const log = debugLines.join('\n');
  assert.ok(debugLines.length >= served.length, `${debugLines.length} lines`);
  assert.ok(!log.includes(key), 'an API key is in the log');
  assert.ok(!log.includes(pingKey), 'a ping key is in the log');
  assert.match(log, /"url":"\/metrics\/\[redacted\]"/);
  assert.match(log, /"url":"\/ping\/\[redacted\]\/nightly"/);
});
