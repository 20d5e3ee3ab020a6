// The back's metrics (README "Metrics"): sweep passes and delivery attempts timed, failed
// deliveries counted by transport; one registry shared with the front under `start`; and
// BACK_METRICS_PORT, in process (the listener on port 0) and as a real `cronwatch back`.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { backMetrics } from '../../src/back/metrics.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { createRegistry, metricsListener, type Registry } from '../../src/metrics/registry.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { freePort, request as httpRequest, spawnCli } from '../helpers/process.js';
import { parseMetrics, rawValue, samples, value } from '../helpers/prom.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const hook = await startHttpReceiver();
const { rows } = await db.pool.query<{ id: number }>(
  `INSERT INTO accounts (name) VALUES ('acme') RETURNING id`,
);
const account = rows[0]!.id;

/** A check due at `deadline`, with a webhook channel to `path` of the receiver. */
async function overdue(name: string, path: string, deadline: Date): Promise<void> {
  await db.pool.query(
    `WITH c AS (INSERT INTO checks (account_id, name, period, grace, status, last_ping_at, next_deadline)
                VALUES ($1, $2, 60, 60, 'up', $3::timestamptz - interval '2 minutes', $3) RETURNING id),
          ch AS (INSERT INTO channels (account_id, kind, config)
                 VALUES ($1, 'webhook', jsonb_build_object('url', $4::text)) RETURNING id)
     INSERT INTO check_channels (check_id, channel_id) SELECT c.id, ch.id FROM c, ch`,
    [account, name, deadline, hook.url + path],
  );
}

/** The registry's answer, parsed (so it is valid), and as text (for labelled histograms). */
async function metricsOf(registry: Registry) {
  const text = await registry.metrics();
  return Object.assign(parseMetrics(text), { text });
}

const dispatchCount = (text: string, transport: string) =>
  rawValue(text, `cronwatch_dispatch_duration_seconds_count{transport="${transport}"}`);

test('sweep passes and delivery attempts are timed; failures counted by transport', async () => {
  const registry = createRegistry();
  const back = {
    ...backDeps(db.pool, { DISPATCH_TIMEOUT_SECONDS: '1' }),
    metrics: backMetrics(registry),
  };
  const t0 = new Date('2026-03-01T00:00:00Z');
  await overdue('fine', '/ok', t0);
  await overdue('broken', '/broken', t0);
  hook.respond = (r) => (r.path === '/broken' ? 503 : 200);

  let m = await metricsOf(registry);
  assert.equal(Number(samples(m, 'cronwatch_sweep_duration_seconds')[0]!.count), 0);
  for (const transport of ['email', 'slack', 'webhook']) {
    assert.equal(value(m, 'cronwatch_dispatch_failures_total', { transport }), 0);
    assert.equal(dispatchCount(m.text, transport), 0);
  }

  assert.equal((await sweepOnce(back, t0)).down, 2);
  await sweepOnce(back, t0); // nothing due: still a pass
  assert.deepEqual(await dispatchOnce(back, t0), { sent: 1, retry: 1, dead: 0 });

  m = await metricsOf(registry);
  const [sweep] = samples(m, 'cronwatch_sweep_duration_seconds');
  assert.equal(m.get('cronwatch_sweep_duration_seconds')!.type, 'HISTOGRAM');
  assert.equal(Number(sweep!.count), 2);
  assert.equal(Number(sweep!.buckets!['+Inf']), 2);
  assert.equal(dispatchCount(m.text, 'webhook'), 2);
  const sum = rawValue(m.text, 'cronwatch_dispatch_duration_seconds_sum{transport="webhook"}');
  assert.ok(sum > 0 && sum < 10, String(sum));
  assert.equal(
    rawValue(m.text, 'cronwatch_dispatch_duration_seconds_bucket{le="+Inf",transport="webhook"}'),
    2,
  );
  assert.equal(dispatchCount(m.text, 'slack'), 0);
  assert.equal(value(m, 'cronwatch_dispatch_failures_total', { transport: 'webhook' }), 1);
  assert.equal(value(m, 'cronwatch_dispatch_failures_total', { transport: 'email' }), 0);
  // A transport without a configuration (email without SMTP_URL) fails too: counted.
  await db.pool.query(
    `INSERT INTO notifications (flip_id, transport, target, payload, next_attempt_at, created_at)
     SELECT flip_id, 'email', '{"to": "ops@acme.io"}', payload, $1, $1 FROM notifications LIMIT 1`,
    [t0],
  );
  assert.deepEqual(await dispatchOnce(back, t0), { sent: 0, retry: 0, dead: 1 });
  m = await metricsOf(registry);
  assert.equal(value(m, 'cronwatch_dispatch_failures_total', { transport: 'email' }), 1);
  assert.equal(dispatchCount(m.text, 'email'), 1);
});

test('under `cronwatch start` the front shows the back metrics of its process', async () => {
  const registry = createRegistry();
  const back = { ...backDeps(db.pool), metrics: backMetrics(registry) };
  await sweepOnce(back, new Date());
  const app = createApp({ ...frontDeps(db.pool), registry });
  const res = await request(app).get('/metrics');
  assert.equal(res.status, 200);
  const m = parseMetrics(res.text);
  assert.equal(Number(samples(m, 'cronwatch_sweep_duration_seconds')[0]!.count), 1);
  assert.ok(m.has('cronwatch_pings_received_total'));
  assert.ok(m.has('cronwatch_checks'));
  assert.ok(m.has('process_cpu_user_seconds_total'));
});

test('the back metrics listener: /metrics only, GET only, METRICS_TOKEN', async () => {
  const registry = createRegistry();
  backMetrics(registry);
  const token = 'back-metrics-token-0123456789';
  const errors: unknown[] = [];
  for (const t of [undefined, token]) {
    const server = http.createServer(metricsListener(registry, t, (err) => errors.push(err)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const auth = t ? { Authorization: `Bearer ${t}` } : {};
      const ok = await httpRequest(port, { path: '/metrics', headers: auth });
      assert.equal(ok.status, 200);
      assert.match(ok.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
      const m = parseMetrics(ok.body);
      assert.ok(m.has('cronwatch_sweep_duration_seconds'));
      assert.ok(m.has('process_resident_memory_bytes'));
      // Only the back's own metrics: the front's are not in this process.
      assert.ok(!m.has('cronwatch_pings_received_total'));
      assert.equal((await httpRequest(port, { path: '/metrics?x=1', headers: auth })).status, 200);
      assert.equal((await httpRequest(port, { path: '/', headers: auth })).status, 404);
      assert.equal((await httpRequest(port, { path: '/metricsx' })).status, 404);
      const post = await httpRequest(port, { method: 'POST', path: '/metrics', headers: auth });
      assert.equal(post.status, 405);
      assert.equal(post.headers.allow, 'GET, HEAD');
      if (t) {
        const denied = await httpRequest(port, { path: '/metrics' });
        assert.equal(denied.status, 401);
        assert.match(denied.body, /^metrics need Authorization: Bearer <METRICS_TOKEN>\n$/);
        const wrong = { Authorization: `Bearer ${t}-not` };
        assert.equal((await httpRequest(port, { path: '/metrics', headers: wrong })).status, 401);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
  assert.deepEqual(errors, []);
});

test('`cronwatch back` with BACK_METRICS_PORT serves its metrics there', async () => {
  const port = await freePort();
  const token = 'a-token-for-the-back-process';
  const back = spawnCli(['back'], {
    DATABASE_URL: db.url,
    BACK_METRICS_PORT: String(port),
    METRICS_TOKEN: token,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  await back.waitForOutput(/"server":"metrics".*"port":\d+.*"msg":"listening"/);
  assert.equal((await httpRequest(port, { path: '/metrics' })).status, 401);
  // The sweeper runs at once on start: wait for its first pass to be recorded.
  let sweeps = 0;
  for (let i = 0; i < 100 && sweeps === 0; i++) {
    const res = await httpRequest(port, {
      path: '/metrics',
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    sweeps = Number(samples(parseMetrics(res.body), 'cronwatch_sweep_duration_seconds')[0]!.count);
    if (sweeps === 0) await delay(100);
  }
  assert.ok(sweeps >= 1, 'a sweep pass was timed');
  const exit = await back.stop();
  assert.equal(exit.code, 0);
});
