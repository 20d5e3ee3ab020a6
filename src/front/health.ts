import type { RequestHandler } from 'express';
import { ping } from '../db/pool.js';
import type { FrontDeps } from './deps.js';

/** GET /healthcheck and /healthz: 200 when the database answers, 503 with a reason when not (COMPAT 6). */
export function health(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const database = await ping(deps.pool, 2000);
    res.set('Cache-Control', 'no-store');
    if (!database) {
      res.status(503).json({ status: 'error', database: 'unreachable' });
      return;
    }
    res.status(200).json({ status: 'ok', database: 'ok' });
  };
}
