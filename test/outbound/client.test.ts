// The outbound policy on real sockets: refusals happen before any connection is opened
// (the receiver on 127.0.0.1 counts connections), and no test sends traffic off loopback.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  outboundClient,
  OutboundTimeout,
  type OutboundRequest,
} from '../../src/outbound/client.js';
import { OutboundRefused, type Resolve } from '../../src/outbound/policy.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const get = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({
  method: 'GET',
  url,
  headers: {},
  timeoutMs: 2000,
  maxRedirects: 5,
  keepBytes: 10_240,
  ...extra,
});

/** A resolver answering from a table (name → addresses), as a DNS server would. */
function table(entries: Record<string, string[] | (() => string[])>): Resolve {
  return async (host) => {
    const e = entries[host];
    const list = typeof e === 'function' ? e() : e;
    if (!list)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('outbound client policy', async () => {
  const receiver = await startHttpReceiver();
  const port = new URL(receiver.url).port;
  const resolve = table({
    'internal.test': ['127.0.0.1'],
    'metadata.test': ['169.254.169.254'],
  });
  const strict = outboundClient({ allowPrivate: false, resolve });
  const open = outboundClient({ allowPrivate: true, resolve });
  after(() => {
    strict.close();
    open.close();
  });

  test('a name resolving to loopback is refused before connecting unless private targets are allowed', async () => {
    const before = receiver.connections;
    await assert.rejects(strict.request(get(`http://internal.test:${port}/x`)), OutboundRefused);
    assert.equal(receiver.connections, before, 'a refused call opened a connection');
    const answer = await open.request(get(`http://internal.test:${port}/x`));
    assert.equal(answer.status, 200);
    assert.equal(receiver.connections, before + 1);
  });

  test('an IP literal is checked too (node skips lookup for it)', async () => {
    const before = receiver.connections;
    await assert.rejects(strict.request(get(`${receiver.url}/x`)), /OUTBOUND_ALLOW_PRIVATE/);
    assert.equal(receiver.connections, before);
  });

  test('metadata and link-local are refused even with private targets allowed', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      `http://metadata.test:${port}/`,
    ])
      await assert.rejects(open.request(get(url)), /metadata/, url);
  });

  test('DNS rebinding: public when saved, loopback when called: refused at call time, no connection', async () => {
    let calls = 0;
    const rebinding = outboundClient({
      allowPrivate: false,
      resolve: table({ 'rebind.test': () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']) }),
    });
    after(() => rebinding.close());
    assert.equal(await rebinding.refusal(`http://rebind.test:${port}/`), undefined);
    const before = receiver.connections;
    await assert.rejects(rebinding.request(get(`http://rebind.test:${port}/`)), OutboundRefused);
    assert.equal(receiver.connections, before);
    assert.equal(calls, 2);
  });

  test('refusal() names a refused target for a save-time 400; an unknown name is not refused', async () => {
    assert.match((await strict.refusal('http://metadata.test/')) ?? '', /metadata/);
    assert.match((await strict.refusal('http://10.0.0.1/')) ?? '', /OUTBOUND_ALLOW_PRIVATE/);
    assert.equal(await strict.refusal('http://nowhere.test/'), undefined);
  });

  test('a redirect into the metadata address is refused at that hop', async () => {
    receiver.respond = () => ({ status: 302, headers: { Location: 'http://169.254.169.254/' } });
    await assert.rejects(open.request(get(`${receiver.url}/r`)), /metadata/);
    receiver.respond = () => 200;
  });
});

describe('outbound client requests', async () => {
  const receiver = await startHttpReceiver();
  const client = outboundClient({ allowPrivate: true });
  after(() => client.close());

  test('follows up to 5 redirects; a 303 after POST becomes a GET without body', async () => {
    receiver.requests.length = 0;
    receiver.respond = (r) => {
      const n = Number(r.path.slice(1));
      if (n < 5) return { status: n === 0 ? 303 : 307, headers: { Location: `/${n + 1}` } };
      return { status: 200, body: 'done' };
    };
    const answer = await client.request(
      get(`${receiver.url}/0`, {
        method: 'POST',
        body: 'hello',
        headers: { 'Content-Type': 'text/plain' },
      }),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'done');
    assert.deepEqual(
      receiver.requests.map((r) => `${r.method} ${r.path} ${r.body}`),
      ['POST /0 hello', 'GET /1 ', 'GET /2 ', 'GET /3 ', 'GET /4 ', 'GET /5 '],
    );
  });

  test('a sixth redirect is not followed: the 3xx is the answer', async () => {
    receiver.respond = (r) => ({ status: 302, headers: { Location: `${r.path}x` } });
    const answer = await client.request(get(`${receiver.url}/`));
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, '/xxxxxx');
  });

  test('the time limit covers the whole call', async () => {
    receiver.respond = () => 'hang';
    const started = Date.now();
    await assert.rejects(
      client.request(get(`${receiver.url}/`, { timeoutMs: 300 })),
      OutboundTimeout,
    );
    assert.ok(Date.now() - started < 1500);
    receiver.respond = () => 200;
  });

  test('keeps only the first keepBytes of the body', async () => {
    receiver.respond = () => ({ status: 200, body: 'a'.repeat(50_000) });
    const answer = await client.request(get(`${receiver.url}/`, { keepBytes: 10 }));
    assert.equal(answer.body, 'aaaaaaaaaa');
  });
});
