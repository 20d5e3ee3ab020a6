import type { RequestHandler } from 'express';
import { lastBackSeen } from '../db/back-instances.js';
import { ping } from '../db/pool.js';
import type { FrontDeps } from './deps.js';

/**
 * GET /healthcheck (gocron, COMPAT 6): 200 when the database answers, 503 with a reason when
 * not. Point load balancers here: it says whether this front can serve.
 */
export function healthcheck(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!(await ping(deps.pool, 2000))) {
      res.status(503).json({ status: 'error', database: 'unreachable' });
      return;
    }
    res.status(200).json({ status: 'ok', database: 'ok' });
  };
}

/**
 * GET /healthz: the database, and whether a back instance ran recently. Without a back no
 * alert goes out, silently (healthchecks' known trap when sendalerts is not running), so
 * this fails then: point monitoring here.
 */
export function healthz(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!(await ping(deps.pool, 2000))) {
      res.status(503).json({ status: 'error', database: 'unreachable', back: 'unknown' });
      return;
    }
    const seen = await lastBackSeen(deps.pool);
    const ageMs = seen ? deps.clock().getTime() - seen.getTime() : undefined;
    const backOk = ageMs !== undefined && ageMs <= deps.config.back.staleMs;
    const back = backOk
      ? 'ok'
      : seen
        ? `no back instance seen for ${Math.round(ageMs! / 1000)} s`
        : 'no back instance has ever run';
    res
      .status(backOk ? 200 : 503)
      .json({ status: backOk ? 'ok' : 'error', database: 'ok', back, back_seen_at: seen ?? null });
  };
}
