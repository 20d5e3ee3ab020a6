import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { Tick } from '../../src/actions/action.js';
import { validateHttp, type HttpSettings } from '../../src/actions/http-settings.js';
import { httpAction } from '../../src/actions/http.js';
import { ACTION_KINDS, actionOf } from '../../src/actions/registry.js';
import { outboundClient } from '../../src/outbound/client.js';
import { startHttpReceiver } from '../helpers/receivers.js';

function settings(raw: Record<string, unknown>): HttpSettings {
  const r = validateHttp(raw);
  if ('error' in r) throw new Error(r.error);
  return r.settings;
}

function tick(s: HttpSettings, extra: Partial<Tick> = {}): Tick & { settings: HttpSettings } {
  return {
    jobUuid: '00000000-0000-4000-8000-000000000001',
    runId: '6a0c9a5e-7d1a-4c4f-9a43-2d9f1d7f4b11',
    attempt: 2,
    scheduledFor: new Date('2026-06-01T12:00:00Z'),
    timeoutMs: 2000,
    secret: null,
    ...extra,
    settings: s,
  };
}

describe('http action settings', () => {
  test('method defaults to POST with a body, else GET', () => {
    assert.equal(settings({ url: 'https://x.test/', body: '{}' }).method, 'POST');
    assert.equal(settings({ url: 'https://x.test/' }).method, 'GET');
    assert.equal(settings({ url: 'https://x.test/', method: 'put' }).method, 'PUT');
  });

  test('bad settings name the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'url'],
      [{ url: 'ftp://x.test/' }, 'url'],
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ url: 'https://x.test/', headers: { A: 1 } }, 'headers'],
      [{ url: 'https://x.test/', headers: ['A'] }, 'headers'],
      [{ url: 'https://x.test/', headers: { Connection: 'close' } }, 'headers'],
      [{ url: 'https://x.test/', headers: { 'Transfer-Encoding': 'chunked' } }, 'headers'],
      [{ url: 'https://x.test/', headers: { A: 'x\r\nB: y' } }, 'headers'],
      [{ url: 'https://x.test/', body: 'x'.repeat(100_001) }, 'body'],
      [{ url: 'https://x.test/', body: 42 }, 'body'],
      [{ url: 'https://x.test/', method: 'GET', body: 'x' }, 'body'],
      [{ url: 'https://x.test/', method: 'FETCH' }, 'method'],
      [{ url: 'https://x.test/', body_regex: '(' }, 'body_regex'],
      [{ url: 'https://x.test/', expected_statuses: [200, 700] }, 'expected_statuses'],
      [{ url: 'https://x.test/', colour: 'red' }, 'colour'],
    ];
    for (const [raw, field] of cases) {
      const r = validateHttp(raw);
      assert.ok('error' in r, JSON.stringify(raw));
      assert.equal(r.field, field, JSON.stringify(raw));
      assert.ok(r.error.startsWith(field), r.error);
    }
  });

  test('the registry knows http and page-change and nothing else', () => {
    assert.deepEqual(ACTION_KINDS, ['http', 'page-change']);
    assert.equal(actionOf('http'), httpAction);
    assert.equal(actionOf('toString'), undefined);
    assert.equal(actionOf('ftp'), undefined);
  });
});

describe('http action runs', async () => {
  const receiver = await startHttpReceiver();
  const outbound = outboundClient({ allowPrivate: true });
  after(() => outbound.close());
  const ctx = { outbound };

  test('sends the body, its headers and the Cronwatch headers; signs the body with the secret', async () => {
    receiver.requests.length = 0;
    receiver.respond = () => 201;
    const s = settings({
      url: `${receiver.url}/hook`,
      body: '{"id":42}',
      headers: { 'Content-Type': 'application/json' },
    });
    const o = await httpAction.run(tick(s, { secret: 's3cret' }), ctx);
    assert.equal(o.ok, true);
    assert.equal(o.status, 201);
    const r = receiver.requests[0]!;
    assert.equal(r.method, 'POST');
    assert.equal(r.body, '{"id":42}');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['cronwatch-run-id'], '6a0c9a5e-7d1a-4c4f-9a43-2d9f1d7f4b11');
    assert.equal(r.headers['cronwatch-attempt'], '2');
    assert.equal(r.headers['cronwatch-scheduled-for'], '2026-06-01T12:00:00.000Z');
    const hmac = createHmac('sha256', 's3cret').update('{"id":42}').digest('hex');
    assert.equal(r.headers['cronwatch-signature'], `sha256=${hmac}`);
    const unsigned = await httpAction.run(tick(s), ctx);
    assert.equal(unsigned.ok, true);
    assert.equal(receiver.requests[1]!.headers['cronwatch-signature'], undefined);
  });

  test('success is the expected statuses (default 2xx) and the body regex', async () => {
    receiver.respond = () => ({ status: 200, body: 'status: degraded' });
    const plain = settings({ url: receiver.url });
    assert.equal((await httpAction.run(tick(plain), ctx)).ok, true);
    const regex = settings({ url: receiver.url, body_regex: 'status: ok' });
    const o = await httpAction.run(tick(regex), ctx);
    assert.equal(o.ok, false);
    assert.match(o.error ?? '', /does not match/);
    receiver.respond = () => 404;
    assert.equal((await httpAction.run(tick(plain), ctx)).ok, false);
    const gone = settings({ url: receiver.url, expected_statuses: [404, 410] });
    assert.equal((await httpAction.run(tick(gone), ctx)).ok, true);
  });

  test('outcome keeps the first 10 kB of the body, the duration, and Retry-After', async () => {
    receiver.respond = () => ({
      status: 503,
      headers: { 'Retry-After': '7' },
      body: 'e'.repeat(20_000),
    });
    const o = await httpAction.run(tick(settings({ url: receiver.url })), ctx);
    assert.equal(o.status, 503);
    assert.equal(o.body?.length, 10_240);
    assert.equal(o.retryAfterMs, 7000);
    assert.ok(o.durationMs >= 0);
  });

  test('network errors, time-outs and refused targets are outcomes, not throws', async () => {
    const closed = await startHttpReceiver();
    const url = closed.url;
    await closed.close();
    const refusedConn = await httpAction.run(tick(settings({ url })), ctx);
    assert.equal(refusedConn.ok, false);
    assert.match(refusedConn.error ?? '', /ECONNREFUSED/);
    receiver.respond = () => 'hang';
    const slow = await httpAction.run(
      tick(settings({ url: receiver.url }), { timeoutMs: 200 }),
      ctx,
    );
    assert.equal(slow.timeout, true);
    receiver.respond = () => 200;
    const meta = await httpAction.run(tick(settings({ url: 'http://169.254.169.254/' })), ctx);
    assert.equal(meta.refused, true);
  });
});
