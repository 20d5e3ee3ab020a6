// The jobs engine's metrics (issue 12 "Metrics"): ticks by final state, first-attempt
// lateness, attempts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobMetrics } from '../../src/back/job-metrics.js';
import { triggerOnce } from '../../src/back/trigger.js';
import { createRegistry } from '../../src/metrics/registry.js';
import { newAccount } from '../helpers/api.js';
import { testDatabase } from '../helpers/db.js';
import { addJob, jobValues, makeDue, triggerDeps } from '../helpers/jobs.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

test('ticks by final state, lateness of first attempts, attempts', async () => {
  const registry = createRegistry();
  const deps = { ...triggerDeps(db.pool), jobMetrics: jobMetrics(registry) };
  const receiver = await startHttpReceiver();
  receiver.respond = (r) => (r.path === '/gone' ? 404 : 200);
  const account = await newAccount(db.pool, 'metrics');
  const ok = await addJob(db.pool, account, jobValues(`${receiver.url}/ok`, { name: 'ok' }));
  const gone = await addJob(db.pool, account, jobValues(`${receiver.url}/gone`, { name: 'gone' }));
  await makeDue(db.pool, ok.id, 2000);
  await makeDue(db.pool, gone.id, 2000);
  let text = await registry.metrics();
  assert.equal(value(text, 'cronwatch_job_ticks_total{state="dead"}'), 0);
  await triggerOnce(deps);
  text = await registry.metrics();
  assert.equal(value(text, 'cronwatch_job_ticks_total{state="succeeded"}'), 1);
  assert.equal(value(text, 'cronwatch_job_ticks_total{state="dead"}'), 1);
  assert.equal(value(text, 'cronwatch_job_attempts_total'), 2);
  assert.equal(value(text, 'cronwatch_job_lateness_seconds_count'), 2);
  const sum = value(text, 'cronwatch_job_lateness_seconds_sum');
  assert.ok(sum >= 4 && sum < 10, `lateness sum ${sum} s`);
  assert.equal(value(text, 'cronwatch_job_lateness_seconds_bucket{le="1"}'), 0);
});
