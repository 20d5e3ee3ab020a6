import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S } from '../db/errors.js';

/** An error whose message is meant for the client (4xx). Anything else is a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: `not found: ${req.method} ${req.path}` });
};

// One place decides what a client sees: 4xx carry their message, everything else becomes a
// generic 500 for the client and a full log line (with stack) for the operator.
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const status =
    typeof err?.status === 'number'
      ? err.status
      : typeof err?.statusCode === 'number'
        ? err.statusCode
        : 500;
  if (status >= 400 && status < 500) {
    // body-parser errors (malformed JSON, too large) carry `expose` and a safe message.
    const message = err instanceof HttpError || err?.expose ? String(err.message) : 'bad request';
    res.status(status).json({ error: message });
    return;
  }
  if (res.headersSent) return void res.end();
  if (isDatabaseUnavailable(err)) {
    // A restart or failover in progress: nothing was done, and the same request will work
    // again shortly. Not a bug, so a warning without the stack.
    req.log?.warn({ err: String(err) }, 'database unavailable');
    res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    res.status(503).json({ error: 'database unavailable, try again shortly' });
    return;
  }
  req.log?.error({ err }, 'request failed');
  res.status(500).json({ error: 'internal error' });
};
