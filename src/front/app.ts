// The front's request handler. It never listens: tests call it in-process with supertest,
// and the front command hands it to an http.Server.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import { createApiRouter } from './api/index.js';
import { badgeRouter } from './badges.js';
import type { FrontDeps } from './deps.js';
import { errorHandler, notFound } from './errors.js';
import { handleGocronCheckin, isGocronCheckin } from './gocron.js';
import { healthcheck, healthz } from './health.js';
import { home } from './home.js';
import { handlePing, isPing } from './ping.js';
import { GroupCommit } from './group-commit.js';
import { flushUuidPings, type UuidPing } from '../db/ping-batch.js';
import { sendText } from './http.js';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S } from '../db/errors.js';
import { requestLogger } from './request-log.js';
import { metricsRouter, pingKindOf, PingMetrics } from './metrics.js';
import { createRegistry } from '../metrics/registry.js';
import { webRouter } from './web/index.js';

export type { FrontDeps };

export function createExpressApp(deps: FrontDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false);
  app.get('/', home);
  app.get('/healthcheck', healthcheck(deps));
  app.get('/healthz', healthz(deps));
  app.use('/api/v3', createApiRouter(deps));
  app.use('/badge', badgeRouter(deps));
  app.use('/metrics', metricsRouter(deps, deps.registry ?? createRegistry()));
  app.use(webRouter(deps));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

/** The whole front: the ping routes on node:http first, express for everything else. */
export function createApp(given: FrontDeps): RequestListener {
  // Pings of a front share commits: up to 1,000 per transaction, two transactions in flight.
  // Two rather than four: at 64 connections the batches double and PostgreSQL's CPU per ping
  // fell by a third (fewer commits), for the same or better throughput (BENCHMARKS.md).
  const batcher = new GroupCommit(
    (items: UuidPing[]) => flushUuidPings(given.pool, items),
    1000,
    2,
  );
  const registry = given.registry ?? createRegistry();
  const pings = new PingMetrics(registry);
  const deps: FrontDeps = { uuidPings: (p) => batcher.submit(p), ...given, registry };
  const app = createExpressApp(deps);
  const log = requestLogger(deps.logger);
  // A line per ping is noise at thousands a second (and a fifth of the hot path's CPU): ping
  // routes log each request at debug level only; their failures are always logged.
  const logPings = deps.logger.isLevelEnabled('debug');
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      log(req, res);
      return sendText(res, 400, 'malformed request URL');
    }
    const route = isPing(url)
      ? handlePing
      : isGocronCheckin(req, url)
        ? handleGocronCheckin
        : undefined;
    if (!route) {
      log(req, res);
      app(req, res);
      return;
    }
    if (logPings) log(req, res);
    // Counted when answered: the kind from the URL, the latency up to the last byte handed over.
    const kind = route === handlePing ? pingKindOf(url.pathname) : 'gocron';
    res.once('finish', () => pings.answered(kind, res.statusCode, started));
    route(deps, req, res, url).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (isDatabaseUnavailable(err)) {
        // A restart or failover: the ping was not recorded, and the client may send it again.
        deps.logger.warn({ err: String(err) }, 'ping refused: database unavailable');
        res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
        return sendText(res, 503, 'database unavailable, try again shortly');
      }
      deps.logger.error({ err, method: req.method }, 'ping failed');
      sendText(res, 500, 'internal error');
    });
  };
}
