// The whole front on a real HTTP server, through the production listen(): its header limit,
// its clientError answers and its timeouts, which supertest and a bare http.Server skip.
import net from 'node:net';
import { after } from 'node:test';
import { CLIENT_TIMEOUTS, listen, type ClientTimeouts } from '../../src/commands/listen.js';
import type { Pool } from '../../src/db/pool.js';
import { createApp, type FrontDeps } from '../../src/front/app.js';
import { frontDeps } from './app.js';

export interface Served {
  port: number;
  deps: FrontDeps;
}

/** Serves the front on 127.0.0.1 (any free port) until the test file ends. */
export async function serveFront(
  pool: Pool,
  env: Record<string, string> = {},
  timeouts: ClientTimeouts = CLIENT_TIMEOUTS,
): Promise<Served> {
  const deps = frontDeps(pool, { env: { PORT: '0', HOST: '127.0.0.1', ...env } });
  const server = await listen(createApp(deps), deps.config, deps.logger, timeouts);
  after(() => server.close());
  return { port: server.port, deps };
}

export type RawAnswer =
  { status: number; head: string; body: Buffer; ms: number } | { error: string; ms: number };

/**
 * Sends `bytes` as they are on a new connection and reads until the server closes it (send
 * `Connection: close`). Bytes no HTTP client library would send are the point: invalid
 * UTF-8 in the request line, NUL in headers, wrong lengths. No answer within `timeoutMs`,
 * or a connection closed before a status line, is an error.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (why?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const ms = performance.now() - started;
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, end < 0 ? all.length : end).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (!m) return resolve({ error: why ?? `no status line in ${JSON.stringify(head)}`, ms });
      resolve({ status: Number(m[1]), head, body: all.subarray(end + 4), ms });
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => done());
    socket.on('close', () => done());
    // The server may answer (413, 431, 400) and close before it read everything we wrote.
    socket.on('error', (err) => done(`${err.message} before any answer`));
    // write, not end: node's server aborts a request whose client half-closed before the answer.
    socket.write(bytes);
  });
}

export interface RawRequest {
  method: string;
  /** The request target exactly as sent (percent-escapes and raw bytes included). */
  target: Buffer | string;
  headers: [string, Buffer | string][];
  body?: Buffer;
}

/** One HTTP/1.1 request with `Connection: close` and a Content-Length matching the body. */
export function encodeRequest(r: RawRequest): Buffer {
  const lines: Buffer[] = [
    Buffer.concat([Buffer.from(`${r.method} `), Buffer.from(r.target), Buffer.from(' HTTP/1.1')]),
    Buffer.from('Host: 127.0.0.1'),
    Buffer.from('Connection: close'),
  ];
  for (const [name, value] of r.headers)
    lines.push(Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value)]));
  if (r.body) lines.push(Buffer.from(`Content-Length: ${r.body.length}`));
  const head = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')]));
  return Buffer.concat([head, Buffer.from('\r\n'), r.body ?? Buffer.alloc(0)]);
}
