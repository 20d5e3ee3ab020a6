// API_RATE_LIMIT: requests per minute to the Management API, counted per API key once the
// key is verified, and per client address (req.ip, which honours TRUST_PROXY) for requests
// without a valid key: no key, a wrong or revoked key, and the routes that need none.
// express-rate-limit keeps the counts in this process's memory (a fixed one-minute window
// per key), so with several fronts behind a load balancer the limit applies per front.
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';

const WINDOW_MS = 60_000;

/** Counts one request against its bucket; rejects with a 429 HttpError once it is over. */
export type ApiRateLimit = (req: Request, res: Response) => Promise<void>;

/** The bucket of a request: the verified key's id (set by apiKeyAuth), else the address. */
function bucket(req: Request, res: Response): string {
  const keyId = res.locals.rateLimitKeyId as number | undefined;
  if (keyId !== undefined) return `key:${keyId}`;
  return `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
}

export function apiRateLimit(deps: FrontDeps): ApiRateLimit {
  const limit = deps.config.apiRateLimit;
  if (limit === 0) return () => Promise.resolve();
  const middleware = rateLimit({
    windowMs: WINDOW_MS,
    limit,
    // RateLimit and RateLimit-Policy headers (IETF draft 8), and Retry-After on a 429.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: bucket,
    handler: (_req, res, next) => {
      const retryAfter = res.get('Retry-After') ?? '60';
      next(
        new HttpError(
          429,
          `rate limit exceeded: at most ${limit} API requests a minute; retry after ${retryAfter} s`,
        ),
      );
    },
    logger: {
      error: (err, msg) => deps.logger.error({ err }, msg ?? 'express-rate-limit error'),
      warn: (err, msg) => deps.logger.warn({ err }, msg ?? 'express-rate-limit warning'),
    },
    // The app decides which X-Forwarded-For to believe (TRUST_PROXY): a header it ignores
    // is not a misconfiguration.
    validate: { xForwardedForHeader: false, forwardedHeader: false },
  });
  return (req, res) =>
    new Promise<void>((resolve, reject) => {
      // Its errors (a store failure, the 429 of `handler`) arrive through the callback.
      void middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });
}

/** The limit as a route handler, for the routes that need no key (counted per address). */
export function rateLimitByAddress(limit: ApiRateLimit): RequestHandler {
  return async (req, res, next) => {
    await limit(req, res);
    next();
  };
}
