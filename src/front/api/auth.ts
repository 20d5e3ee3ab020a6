// API keys on /api/v3: the X-Api-Key header, or `api_key` in the JSON body of a POST (other
// routes, such as /metrics/<key>, say where theirs is). Every handler after this one reads
// the key's account from res.locals and scopes its queries by it (invariant 6): another
// account's check is simply not found.
import type { Request, RequestHandler, Response } from 'express';
import { findApiKey, touchApiKey, type KeyScope } from '../../db/api-keys.js';
import { keyMatches, keyPrefix, looksLikeKey } from '../../domain/api-key.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import type { ApiRateLimit } from './rate-limit.js';

export interface ApiAuth {
  accountId: number;
  keyId: number;
  scope: KeyScope;
}

export function authOf(res: Response): ApiAuth {
  return res.locals.apiAuth as ApiAuth;
}

const TOUCH_EVERY_MS = 60_000;

/** The key of an API request: the X-Api-Key header, else `api_key` in a POST's JSON body. */
function headerOrBodyKey(req: Request): string | undefined {
  const header = req.get('x-api-key');
  const body: unknown = req.body;
  const fromBody =
    req.method === 'POST' && body && typeof body === 'object' && 'api_key' in body
      ? (body as { api_key: unknown }).api_key
      : undefined;
  return header ?? (typeof fromBody === 'string' ? fromBody : undefined);
}

/**
 * Checks the key: missing, unknown, wrong or revoked → 401; a read-only key on an endpoint
 * that needs a read-write one → 401, as healthchecks answers. Every request counts against
 * API_RATE_LIMIT once: against its key when the key is valid, against its address when not
 * (a 429 then wins over the 401). last_used_at is written at most once a minute per key:
 * this process remembers when it last wrote, and the UPDATE itself skips rows written in
 * the last minute by another front.
 */
export function apiKeyAuth(
  deps: FrontDeps,
  rateLimit: ApiRateLimit,
  keyOf: (req: Request) => string | undefined = headerOrBodyKey,
): (need: KeyScope) => RequestHandler {
  const lastTouch = new Map<number, number>();
  const verify = async (req: Request) => {
    const key = keyOf(req);
    if (key === undefined || key === '') throw new HttpError(401, 'missing api key');
    if (!looksLikeKey(key)) throw new HttpError(401, 'wrong api key');
    const stored = await findApiKey(deps.pool, keyPrefix(key));
    if (!stored || !keyMatches(key, stored.hash)) throw new HttpError(401, 'wrong api key');
    if (stored.revokedAt) throw new HttpError(401, 'api key revoked');
    return stored;
  };
  return (need) => async (req, res, next) => {
    let stored: Awaited<ReturnType<typeof verify>>;
    try {
      stored = await verify(req);
    } catch (err) {
      if (err instanceof HttpError) await rateLimit(req, res);
      throw err;
    }
    res.locals.rateLimitKeyId = stored.id;
    await rateLimit(req, res);
    if (need === 'write' && stored.scope !== 'write')
      throw new HttpError(401, 'wrong api key: this endpoint needs a read-write key');
    const now = deps.clock();
    const last = lastTouch.get(stored.id);
    if (last === undefined || now.getTime() - last >= TOUCH_EVERY_MS) {
      if (lastTouch.size > 10_000) lastTouch.clear();
      lastTouch.set(stored.id, now.getTime());
      await touchApiKey(deps.pool, stored.id, now);
    }
    res.locals.apiAuth = { accountId: stored.accountId, keyId: stored.id, scope: stored.scope };
    next();
  };
}
