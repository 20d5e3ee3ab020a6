// GET /api/v3/channels/ (read-write keys, as healthchecks).
import type { RequestHandler } from 'express';
import { listAccountChannels } from '../../db/channels.js';
import type { FrontDeps } from '../deps.js';
import { authOf } from './auth.js';

export function listChannels(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    res.json({ channels: await listAccountChannels(deps.pool, authOf(res).accountId) });
  };
}
