import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { AlertEvent } from '../../src/domain/alert.js';
import { DeliveryError } from '../../src/notify/transport.js';
import { webhookTransport } from '../../src/notify/webhook.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const hook = await startHttpReceiver();
// The receivers are on loopback, which the outbound policy refuses unless allowed.
const webhook = webhookTransport({ allowPrivate: true });
after(() => webhook.close?.());

const event: AlertEvent = {
  kind: 'down',
  check: { id: 7, uuid: '00000000-0000-4000-8000-000000000007', name: 'backup', account: 'acme' },
  flipId: 3,
  at: '2026-06-01T00:00:00.000Z',
  lastPingAt: null,
  expectedAt: '2026-06-01T00:00:00.000Z',
};

function send(url: string, timeoutMs = 1000) {
  return webhook.send(
    { id: 'n-1', target: { url }, event, text: { subject: 's', body: 'b' } },
    timeoutMs,
  );
}

async function failure(p: Promise<void>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeliveryError, `a DeliveryError, got ${String(err)}`);
  return err;
}

test('POSTs the alert as JSON with its stable id, on a kept-alive connection', async () => {
  hook.requests.length = 0;
  await send(`${hook.url}/a`);
  await send(`${hook.url}/a`);
  assert.equal(hook.requests.length, 2);
  const [r] = hook.requests;
  assert.equal(r!.method, 'POST');
  assert.equal(r!.headers['content-type'], 'application/json');
  assert.equal(r!.headers['x-cronwatch-notification-id'], 'n-1');
  assert.equal(r!.headers['idempotency-key'], 'n-1');
  assert.deepEqual(
    [(r!.json as { event: string }).event, (r!.json as { expected_at: string }).expected_at],
    ['down', event.expectedAt],
  );
  assert.equal(r!.headers.connection, 'keep-alive');
});

test('a 2xx is delivered; 4xx is permanent but 408/429; 5xx and redirects are retried', async () => {
  for (const [status, permanent] of [
    [400, true],
    [410, true],
    [429, false],
    [503, false],
    [302, false],
  ] as const) {
    hook.respond = () => status;
    const err = await failure(send(`${hook.url}/s`));
    assert.match(err.message, new RegExp(`^webhook answered ${status}`));
    assert.equal(err.permanent, permanent, String(status));
  }
  hook.respond = () => 204;
  await send(`${hook.url}/s`);
  hook.respond = () => 200;
});

test('no answer within the time limit, a refused connection: retried, with the reason', async () => {
  hook.respond = () => 'hang';
  const started = Date.now();
  const slow = await failure(send(`${hook.url}/hang`, 300));
  assert.equal(slow.message, 'webhook: no answer within 300 ms');
  assert.equal(slow.permanent, false);
  assert.ok(Date.now() - started < 2000);
  hook.respond = () => 200;

  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const refused = await failure(send(`http://127.0.0.1:${port}/`));
  assert.match(refused.message, /^webhook: connect ECONNREFUSED/);
  assert.equal(refused.permanent, false);
});

test('a receiver that drops the connection mid-answer is a retry, not a success', async () => {
  const server = createServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise((r) => server.close(r)));
  const err = await failure(send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
  assert.equal(err.permanent, false);
});

test('a target that is not an http(s) URL is permanent', async () => {
  for (const url of ['not a url', 'ftp://example.com/x']) {
    const err = await failure(send(url));
    assert.equal(err.permanent, true, url);
  }
});

test('a kept-alive socket reset by the receiver as it is reused: sent again at once, delivered', async () => {
  // A raw HTTP receiver that answers the first request of a connection and resets the
  // connection on the second: what a server closing an idle keep-alive socket does to a
  // client that reuses it at that moment.
  const seen: number[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    const n = ++connections;
    let requests = 0;
    socket.on('data', (chunk) => {
      if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
      requests++;
      seen.push(n);
      if (requests === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else socket.resetAndDestroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise((r) => server.close(r)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const local = webhookTransport({ allowPrivate: true });
  after(() => local.close?.());
  const deliver = () =>
    local.send({ id: 'n-2', target: { url }, event, text: { subject: 's', body: 'b' } }, 1000);
  await deliver();
  await deliver();
  // The second delivery: reset on connection 1, then delivered on a connection of its own.
  assert.deepEqual(seen, [1, 1, 2]);
});

test('the outbound policy: loopback refused unless allowed, metadata always; before any connection', async () => {
  const strict = webhookTransport({ allowPrivate: false });
  after(() => strict.close?.());
  const delivery = (url: string) => ({
    id: 'n-2',
    target: { url },
    event,
    text: { subject: 's', body: 'b' },
  });
  const before = hook.connections;
  const loopback = await failure(strict.send(delivery(`${hook.url}/a`), 1000));
  assert.equal(loopback.permanent, true, 'a refused target is dead at once, not retried');
  assert.match(loopback.message, /webhook: .*127\.0\.0\.1/);
  // Even with private ranges allowed, the cloud metadata address is refused (an IP literal:
  // checked before node would connect to it).
  for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/x']) {
    const err = await failure(webhook.send(delivery(url), 1000));
    assert.equal(err.permanent, true, url);
  }
  assert.equal(hook.connections, before, 'no connection was opened for a refused target');
});
