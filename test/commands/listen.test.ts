// listen()'s stop with keep-alive clients, in process: answers in flight when the stop
// begins say `Connection: close`, and no connection holds the stop until the shutdown
// timeout. The responses in flight are kept in slots (in-flight.ts), not a Set.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { InFlight } from '../../src/commands/in-flight.js';
import { listen } from '../../src/commands/listen.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

// A stop that waited for the timeout would take a minute: the test would time out first.
const config = loadConfig(
  { LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_SECONDS: '60' },
  false,
);
const logger = createLogger(config);

function get(
  port: number,
  agent: http.Agent,
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, connection: res.headers.connection, body }),
        );
      })
      .on('error', reject);
  });
}

/**
 * Serves `answer`, sends one GET on a keep-alive connection, and begins the stop once the
 * handler has run; `stopBegun` lets the answer end after that. The answer, and how long the
 * stop took.
 */
async function stopMidAnswer(
  answer: (res: http.ServerResponse, stopBegun: Promise<void>) => void,
): Promise<{ res: Awaited<ReturnType<typeof get>>; stopMs: number }> {
  let begin!: () => void;
  const stopBegun = new Promise<void>((r) => (begin = r));
  let arrived!: () => void;
  const inHandler = new Promise<void>((r) => (arrived = r));
  const server = await listen(
    (_req, res) => {
      answer(res, stopBegun);
      arrived();
    },
    config,
    logger,
  );
  const agent = new http.Agent({ keepAlive: true });
  try {
    const pending = get(server.port, agent);
    await inHandler;
    const started = performance.now();
    const stopped = server.close();
    begin();
    const res = await pending;
    await stopped;
    return { res, stopMs: performance.now() - started };
  } finally {
    agent.destroy();
  }
}

test('an answer in flight when the stop begins says Connection: close, and the stop ends with it', async () => {
  const { res, stopMs } = await stopMidAnswer((res, stopBegun) => {
    void stopBegun.then(() => res.end('late'));
  });
  assert.deepEqual(res, { status: 200, connection: 'close', body: 'late' });
  assert.ok(stopMs < 5000, 'the stop waited for the keep-alive client');
});

test('an answer whose head went out before the stop: its connection closes when it ends', async () => {
  const { res, stopMs } = await stopMidAnswer((res, stopBegun) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first ');
    void stopBegun.then(() => res.end('last'));
  });
  // Its head said keep-alive: the connection stays open after it until the stop closes it.
  assert.deepEqual(res, { status: 200, connection: 'keep-alive', body: 'first last' });
  assert.ok(stopMs < 5000, 'the stop waited for the keep-alive client');
});

test('idle keep-alive connections do not hold the stop', async () => {
  const server = await listen((_req, res) => res.end('ok'), config, logger);
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await get(server.port, agent)).body, 'ok');
    const started = performance.now();
    await server.close();
    assert.ok(performance.now() - started < 5000, 'the stop waited for idle connections');
  } finally {
    agent.destroy();
  }
});

test('InFlight reuses freed slots and lists only what is in flight', () => {
  const slots = new InFlight<{ n: number }>();
  const [a, b, c] = [{ n: 1 }, { n: 2 }, { n: 3 }];
  const sa = slots.add(a);
  const sb = slots.add(b);
  slots.remove(sa);
  const sc = slots.add(c);
  assert.equal(sc, sa, 'a freed slot is taken again');
  assert.deepEqual([...slots], [c, b]);
  slots.remove(sb);
  slots.remove(sc);
  assert.deepEqual([...slots], []);
  // The array did not grow past the most ever in flight (two).
  assert.equal(slots.add(a), sc);
  assert.equal(slots.add(b), sb);
  assert.equal(slots.add(c), 2);
});
