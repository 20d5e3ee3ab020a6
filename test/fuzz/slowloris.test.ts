// Slow clients cannot starve others (issue 15): with many connections sending their headers
// a byte at a time and never finishing (slowloris), or their body a byte at a time, a normal
// request is still answered at once, and the slow ones are cut with a 408 once the timeout
// has passed. The production listen() with short timeouts, so the test takes seconds.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { CLIENT_TIMEOUTS } from '../../src/commands/listen.js';
import { testDatabase } from '../helpers/db.js';
import { encodeRequest, sendRaw, serveFront } from '../helpers/served.js';

const db = await testDatabase();
const TIMEOUTS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, checkIntervalMs: 200 };
const { port } = await serveFront(db.pool, {}, TIMEOUTS);
const SLOW = 40;

interface Slow {
  /** ms from the first byte to the server closing the connection, and what it answered. */
  closed: Promise<{ ms: number; answer: string }>;
}

/** A client that sends `head` at once, then one more byte every 100 ms, for ever. */
function slowClient(head: string, drip: string): Slow {
  const socket = net.connect(port, '127.0.0.1');
  const started = performance.now();
  let answer = '';
  socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => socket.writable && socket.write(drip), 100);
  after(() => {
    clearInterval(timer);
    socket.destroy();
  });
  return {
    closed: new Promise((resolve) =>
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: performance.now() - started, answer });
      }),
    ),
  };
}

async function timed(target: string) {
  const answer = await sendRaw(port, encodeRequest({ method: 'GET', target, headers: [] }));
  assert.ok('status' in answer, JSON.stringify(answer));
  return answer;
}

describe('slow clients', () => {
  test('production timeouts are set: headers within 15 s, the whole request within 30 s', () => {
    assert.ok(CLIENT_TIMEOUTS.headersTimeoutMs > 0 && CLIENT_TIMEOUTS.headersTimeoutMs <= 15_000);
    assert.ok(CLIENT_TIMEOUTS.requestTimeoutMs > 0 && CLIENT_TIMEOUTS.requestTimeoutMs <= 30_000);
    assert.ok(CLIENT_TIMEOUTS.checkIntervalMs <= 30_000);
  });

  test(`${SLOW} slowloris connections and ${SLOW} slow bodies: others are answered at once, the slow ones cut with 408 after the timeout`, async () => {
    const heads = Array.from({ length: SLOW }, () =>
      slowClient('GET /healthcheck HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a'),
    );
    const bodies = Array.from({ length: SLOW }, () =>
      slowClient(
        'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
          'Content-Length: 100000\r\n\r\n{"cronname":"',
        'a',
      ),
    );
    // While they drip: a normal request, several times, each answered well within a second.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const res = await timed('/healthcheck');
      assert.equal(res.status, 200);
      assert.ok(
        res.ms < 1000,
        `answered in ${Math.round(res.ms)} ms beside ${2 * SLOW} slow clients`,
      );
    }
    const limit = (ms: number) => ms + TIMEOUTS.checkIntervalMs + 1000;
    for (const [clients, timeout] of [
      [heads, TIMEOUTS.headersTimeoutMs],
      [bodies, TIMEOUTS.requestTimeoutMs],
    ] as const) {
      for (const c of clients) {
        const { ms, answer } = await c.closed;
        assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
        assert.ok(ms >= timeout - 50 && ms < limit(timeout), `cut after ${Math.round(ms)} ms`);
      }
    }
    assert.equal((await timed('/healthcheck')).status, 200);
  });
});
