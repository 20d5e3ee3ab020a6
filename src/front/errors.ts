import { STATUS_CODES } from 'node:http';
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

/**
 * What a client is told about a 4xx. Errors of express's own parts are not all meant for
 * clients: those say what their status means. Every one used to say "bad request", also on a
 * 404 (a missing static file), and `/api/v3/checks/%ff` answered 400 "bad request" without
 * naming the malformed escape (found by test/fuzz/api.test.ts).
 */
export function clientMessage(err: unknown, status: number): string {
  const e = err as { message?: unknown; expose?: unknown } | undefined;
  if (err instanceof HttpError || e?.expose) return String(e?.message);
  // The router's decoding of a path parameter: "Failed to decode param '%ff'".
  if (err instanceof URIError) return `malformed percent-escape in the URL path: ${err.message}`;
  return (STATUS_CODES[status] ?? 'bad request').toLowerCase();
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
    res.status(status).json({ error: clientMessage(err, status) });
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
