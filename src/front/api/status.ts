// GET /api/v3/status/: no key; 200 when the database answers, 503 when not.
import type { RequestHandler } from 'express';
import { ping } from '../../db/pool.js';
import type { FrontDeps } from '../deps.js';

export function apiStatus(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (await ping(deps.pool, 2000)) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'error', error: 'database unreachable' });
  };
}
