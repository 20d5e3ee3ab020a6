// GET /api/v3/checks/<uuid | unique_key>/flips/?seconds=&start=&end=
import type { RequestHandler } from 'express';
import { listApiFlips } from '../../db/flips.js';
import { flipJson } from '../../domain/api-shapes.js';
import type { FrontDeps } from '../deps.js';
import { authOf } from './auth.js';
import { findCheck } from './checks.js';
import { intParam, notFound } from './params.js';

const MAX_SECONDS = 3_153_600_000; // a century
const MAX_TIMESTAMP = 253_402_300_799; // 9999-12-31T23:59:59Z

/** seconds: the last N seconds; start: at or after this UNIX time; end: before it. */
export function listFlips(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const seconds = intParam(req, 'seconds', 0, MAX_SECONDS);
    const start = intParam(req, 'start', 0, MAX_TIMESTAMP);
    const end = intParam(req, 'end', 0, MAX_TIMESTAMP);
    const check = await findCheck(deps, authOf(res), String(req.params.id), { uniqueKey: true });
    if (!check) throw notFound();
    const now = deps.clock().getTime();
    const froms = [
      ...(start !== undefined ? [start * 1000] : []),
      ...(seconds !== undefined ? [now - seconds * 1000] : []),
    ];
    const from = froms.length ? new Date(Math.max(...froms)) : null;
    const to = end !== undefined ? new Date(end * 1000) : null;
    const flips = await listApiFlips(deps.pool, check.id, from, to);
    res.json({ flips: flips.map(flipJson) });
  };
}
