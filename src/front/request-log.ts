// pino-http's request log without secrets. Its standard serializers write the request's URL
// and every header: without this, each API call would log its X-Api-Key, each dashboard page
// its session cookie, each scrape its Authorization token or the key in /metrics/<key>.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { UUID } from '../domain/patterns.js';
import type { Logger } from '../log.js';
import { readTarget } from './path.js';

const REDACTED = '[redacted]';
const SECRET_REQUEST_HEADERS = ['x-api-key', 'authorization', 'cookie'];
/** Route words whose next segment is a key: /metrics/<api key>, /ping/<ping key>/<slug>. */
const KEYED_ROUTES = new Set(['metrics', 'ping']);

/**
 * The URL as the router reads it (front/path.ts), with its secrets hidden: the key of
 * /metrics/<key> and /ping/<ping key>/…, and a `key` query parameter (a gocron check-in's
 * ping key). A /ping/<uuid> keeps its uuid, the check's public id. The log reads more
 * spellings as keyed routes than the router serves: route words in any letter case, repeated
 * slashes as one, encoded slashes or backslashes as slashes (express decodes %2F in route
 * parameters), since a key sent to a spelling the router refuses (a 404) is a key all the
 * same. Such a URL is logged in that looser reading. A target the router cannot read (a
 * malformed escape) is hidden whole.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const target = readTarget(url);
  if ('error' in target) return REDACTED;
  const loose = readTarget(target.path.replace(/%2F|%5C/gi, '/').replace(/\/{2,}/g, '/'));
  const segments = ('error' in loose ? target : loose).path.split('/');
  const word = segments[1]!.toLowerCase();
  const key = segments[2];
  const keyed = KEYED_ROUTES.has(word) && key && !(word === 'ping' && UUID.test(key));
  if (keyed) segments[2] = REDACTED;
  return (keyed ? segments.join('/') : target.path) + redactQuery(target.search);
}

/** The query string with the value of every `key` parameter (by its decoded name) hidden. */
function redactQuery(search: string): string {
  return search.replace(/([?&])([^&=]*)=([^&]*)/g, (pair, sep: string, name: string) =>
    decodeLoosely(name.replaceAll('+', ' ')).toLowerCase() === 'key'
      ? `${sep}${name}=${REDACTED}`
      : pair,
  );
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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
