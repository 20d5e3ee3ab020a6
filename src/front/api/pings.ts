// GET /api/v3/checks/<uuid>/pings/ and /pings/<n>/body (read-write keys, as healthchecks).
import type { RequestHandler } from 'express';
import { apiPingBody, listApiPings } from '../../db/pings.js';
import { pingJson } from '../../domain/api-shapes.js';
import type { FrontDeps } from '../deps.js';
import { authOf } from './auth.js';
import { findCheck } from './checks.js';
import { baseUrl, notFound } from './params.js';

/** healthchecks lists at most 1000 pings; we keep PING_KEEP per check. */
const MAX_PINGS = 1000;

export function listPings(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const check = await findCheck(deps, authOf(res), String(req.params.id), { uniqueKey: false });
    if (!check) throw notFound();
    const keep = deps.config.pings.keep;
    const pings = await listApiPings(deps.pool, check.id, keep, Math.min(keep, MAX_PINGS));
    const base = baseUrl(deps);
    res.json({ pings: pings.map((p) => pingJson(p, check.uuid, base)) });
  };
}

export function pingBody(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const n = String(req.params.n);
    if (!/^\d{1,15}$/.test(n)) throw notFound();
    const check = await findCheck(deps, authOf(res), String(req.params.id), { uniqueKey: false });
    if (!check) throw notFound();
    const body = await apiPingBody(deps.pool, check.id, Number(n), deps.config.pings.keep);
    if (body === undefined) throw notFound();
    res.set('X-Content-Type-Options', 'nosniff');
    res.type('text/plain; charset=utf-8').send(body);
  };
}
