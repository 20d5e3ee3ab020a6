// The front's request handler. It never listens: tests call it in-process with supertest,
// and the front command hands it to an http.Server.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import { createApiRouter } from './api/index.js';
import { badgeRouter } from './badges.js';
import { apiCors } from './cors.js';
import type { FrontDeps } from './deps.js';
import { errorHandler, notFound } from './errors.js';
import { handleGocronCheckin, isGocronCheckin } from './gocron.js';
import { healthcheck, healthz } from './health.js';
import { home } from './home.js';
import { handlePing, isPing } from './ping.js';
import { sendText } from './http.js';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S } from '../db/errors.js';
import { readPath, readTarget } from './path.js';
import { redactUrl, requestLogger } from './request-log.js';
import { metricsRouter, pingKindOf, PingMetrics } from './metrics.js';
import { createRegistry } from '../metrics/registry.js';
import { webRouter } from './web/index.js';
import { pageHeaders } from './web/security.js';

export type { FrontDeps };

export function createExpressApp(deps: FrontDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // As the ping routes and healthchecks: /METRICS/<key> is not /metrics/<key> (it was
  // served, while the log hid keys of the lower-case spelling only).
  app.set('case sensitive routing', true);
  app.set('trust proxy', deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false);
  app.use(readPath);
  app.get('/', pageHeaders, home(deps));
  app.get('/healthcheck', healthcheck(deps));
  app.get('/healthz', healthz(deps));
  app.use('/api/v3', apiCors, createApiRouter(deps));
  app.use('/badge', badgeRouter(deps));
  app.use('/metrics', metricsRouter(deps, deps.registry ?? createRegistry()));
  app.use(webRouter(deps));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

/** The whole front: the ping routes on node:http first, express for everything else. */
export function createApp(given: FrontDeps): RequestListener {
  const registry = given.registry ?? createRegistry();
  const pings = new PingMetrics(registry);
  const deps: FrontDeps = { ...given, registry };
  const app = createExpressApp(deps);
  const log = requestLogger(deps.logger);
  // A line per ping is noise at thousands a second (and a fifth of the hot path's CPU): ping
  // routes log each request at debug level only; their failures are always logged.
  const logPings = deps.logger.isLevelEnabled('debug');
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    // One reading of the path for the routers below and the request log (front/path.ts).
    const target = readTarget(req.url ?? '/');
    if ('error' in target) {
      log(req, res);
      // Elsewhere express answers it (readPath), in the API's JSON where that is asked.
      if (req.url?.startsWith('/ping/')) return sendText(res, 400, target.error);
      return app(req, res);
    }
    req.url = target.path + target.search;
    // Not new URL(req.url, base): a path starting with "//" would be read as a host.
    const url = new URL('http://localhost' + req.url);
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
      deps.logger.error({ err, method: req.method, url: redactUrl(req.url) }, 'ping failed');
      sendText(res, 500, 'internal error');
    });
  };
}
