// pino-http's request log without secrets. Its standard serializers write the request's URL
// and every header: without this, each API call would log its X-Api-Key, each dashboard page
// its session cookie, each scrape its Authorization token or the key in /metrics/<key>.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Logger } from '../log.js';

const REDACTED = '[redacted]';
const SECRET_REQUEST_HEADERS = ['x-api-key', 'authorization', 'cookie'];

/**
 * The URL with its secrets hidden: /metrics/<api key> carries a key, and so does a gocron
 * check-in's `key=` (an account's ping key, in `key` mode).
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url
    ?.replace(/^\/metrics\/[^/?#]+/, `/metrics/${REDACTED}`)
    .replace(/([?&]key=)[^&#]*/g, `$1${REDACTED}`);
}

function hide(headers: unknown, names: string[]): unknown {
  if (!headers || typeof headers !== 'object') return headers;
  const copy: Record<string, unknown> = { ...(headers as Record<string, unknown>) };
  for (const name of names) if (copy[name] !== undefined) copy[name] = REDACTED;
  return copy;
}

export function requestLogger(logger: Logger): HttpLogger<IncomingMessage, ServerResponse> {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    serializers: {
      req(req: { url?: string; headers?: unknown }) {
        req.url = redactUrl(req.url);
        req.headers = hide(req.headers, SECRET_REQUEST_HEADERS);
        return req;
      },
      res(res: { headers?: unknown }) {
        res.headers = hide(res.headers, ['set-cookie']);
        return res;
      },
    },
  });
}
