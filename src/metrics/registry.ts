// Prometheus metrics (README "Metrics"): one registry per process, shared by the front and the
// back when `cronwatch start` runs both, and the handler that exposes it. Each process gets
// its own registry rather than prom-client's global one, so tests can build many apps.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { hashKey, keyMatches } from '../domain/api-key.js';

export type { Registry };

/** A registry with Node's process metrics (CPU, memory, event loop lag, GC, handles). */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Whether the request may read the metrics: always without METRICS_TOKEN, else only with
 * `Authorization: Bearer <token>`. Compared as hashes, in time independent of the content.
 */
export function metricsAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization ?? '';
  const match = /^Bearer +(\S+) *$/i.exec(header);
  // keyMatches compares SHA-256 digests: equal lengths whatever was sent, constant time.
  return match !== null && keyMatches(match[1]!, hashKey(token));
}

function plain(res: ServerResponse, status: number, text: string, headers = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text + '\n');
}

/** Answers a scrape of the whole registry (GET or HEAD already checked by the caller). */
export async function serveMetrics(
  registry: Registry,
  token: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!metricsAuthorized(req, token)) {
    return plain(res, 401, 'metrics need Authorization: Bearer <METRICS_TOKEN>', {
      'WWW-Authenticate': 'Bearer realm="cronwatch metrics"',
    });
  }
  const text = await registry.metrics();
  res.writeHead(200, {
    'Content-Type': registry.contentType,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/**
 * The whole server of a back that runs on its own (BACK_METRICS_PORT): /metrics and nothing
 * else. A registry failure is a 500 with a line, never a crash.
 */
export function metricsListener(
  registry: Registry,
  token: string | undefined,
  onError: (err: unknown) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return plain(res, 404, 'not found: this port serves /metrics only');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return plain(res, 405, 'method not allowed: use GET', { Allow: 'GET, HEAD' });
    serveMetrics(registry, token, req, res).catch((err: unknown) => {
      onError(err);
      if (res.headersSent) res.end();
      else plain(res, 500, 'internal error');
    });
  };
}
