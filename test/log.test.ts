// Issue 17, item 5: in a terminal (LOG_FORMAT=pretty, the default on a TTY) the request log
// is one line per request, "GET /path 200 3 ms" with the URL redacted, not pino-pretty's
// 25-line dump of headers; JSON logs keep every field. Run in a child process, so the
// output is what pino-pretty really writes to stdout.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const src = (file: string) => JSON.stringify(path.join(root, 'src', file));

// A front on a port of 127.0.0.1 with no database (none of these requests reads one): three
// requests, one with an API key in its URL, then exit.
const CHILD = `
import pg from 'pg';
import { loadConfig } from ${src('config.ts')};
import { createLogger } from ${src('log.ts')};
import { createApp } from ${src('front/app.ts')};
import { addressResolver } from ${src('front/address.ts')};
import http from 'node:http';
const config = loadConfig({ LOG_FORMAT: process.env.FORMAT, LOG_LEVEL: 'info' }, false);
const logger = createLogger(config);
const app = createApp({ pool: new pg.Pool({ host: '127.0.0.1', port: 9 }), config, logger,
  clock: () => new Date(), addressOf: addressResolver(config.trustProxy) });
const server = http.createServer(app).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = 'http://127.0.0.1:' + server.address().port;
for (const p of ['/', '/nope/x?y=1', '/METRICS/s3cret-api-key'])
  await (await fetch(base + p, { headers: { 'X-Api-Key': 's3cret-header-key' } })).text();
server.close();
`;

async function run(format: 'pretty' | 'json'): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', CHILD],
    { cwd: root, env: { ...process.env, FORMAT: format }, timeout: 30_000 },
  );
  // eslint-disable-next-line no-control-regex -- colours are not the point here
  const plain = stdout.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').filter(Boolean);
}

test('pretty: one line per request, method, redacted URL, status and time', async () => {
  const lines = await run('pretty');
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, /INFO.*: GET \/ 200 \d+ ms$/);
  assert.match(lines[1]!, /INFO.*: GET \/nope\/x\?y=1 404 \d+ ms$/);
  assert.match(lines[2]!, /INFO.*: GET \/METRICS\/\[redacted\] 404 \d+ ms$/);
  assert.ok(!lines.join('\n').includes('s3cret'));
});

test('json: one object per request with every field, as before', async () => {
  const lines = await run('json');
  assert.equal(lines.length, 3, lines.join('\n'));
  const entries = lines.map((l) => JSON.parse(l));
  assert.deepEqual(
    entries.map((e) => [e.msg, e.req.method, e.req.url, e.res.statusCode]),
    [
      ['request completed', 'GET', '/', 200],
      ['request completed', 'GET', '/nope/x?y=1', 404],
      ['request completed', 'GET', '/METRICS/[redacted]', 404],
    ],
  );
  assert.equal(entries[0].req.headers['x-api-key'], '[redacted]');
  assert.equal(typeof entries[0].responseTime, 'number');
  assert.ok(!lines.join('\n').includes('s3cret'));
});
