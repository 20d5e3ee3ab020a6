// The one outbound HTTP client of job actions (and, next, of webhooks and channel tests:
// issue 12 "Outbound safety"). node:http(s) with keep-alive rather than fetch (fetch costs
// about three times the CPU per request; see src/notify/webhook.ts), every connection
// through the policy lookup, redirects followed by hand so each hop is checked too.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { refusedAddress } from '../domain/address-policy.js';
import {
  OutboundRefused,
  policyLookup,
  resolveAllowed,
  systemResolve,
  type Resolve,
} from './policy.js';

const IDLE_SOCKET_MS = 4000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** From the start of the first request to the end of the last answer. */
  timeoutMs: number;
  maxRedirects: number;
  /** Bytes of the answer's body kept. */
  keepBytes: number;
}

export interface OutboundAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The URL that answered, after redirects. */
  url: string;
}

export class OutboundTimeout extends Error {}
/** A reused keep-alive socket was reset before any answer: safe to send again at once. */
class StaleSocketError extends Error {}

export interface OutboundClient {
  request(r: OutboundRequest): Promise<OutboundAnswer>;
  /** Why `url` would be refused now (a 400 when a job is saved), or undefined. */
  refusal(url: string): Promise<string | undefined>;
  close(): void;
}

interface Hop {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export function outboundClient(opts: { allowPrivate: boolean; resolve?: Resolve }): OutboundClient {
  const resolve = opts.resolve ?? systemResolve;
  const lookup = policyLookup(opts.allowPrivate, resolve);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };

  async function send(hop: Hop, keepBytes: number, signal: AbortSignal): Promise<OutboundAnswer> {
    // An IP literal never reaches `lookup` (node connects to it directly): check it here.
    const literal = hop.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const refused = isIP(literal) ? refusedAddress(literal, opts.allowPrivate) : undefined;
    if (refused) throw new OutboundRefused(refused);
    const agent = agents[hop.url.protocol as 'http:' | 'https:'];
    return once(hop, agent, lookup, keepBytes, signal).catch((err: unknown) => {
      if (!(err instanceof StaleSocketError)) throw err;
      return once(hop, false, lookup, keepBytes, signal);
    });
  }

  return {
    async request(r) {
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new OutboundTimeout(`no answer within ${r.timeoutMs} ms`)),
        r.timeoutMs,
      );
      try {
        let hop: Hop = { method: r.method, url: new URL(r.url), headers: r.headers, body: r.body };
        for (let redirects = 0; ; redirects++) {
          const answer = await send(hop, r.keepBytes, controller.signal);
          const location = answer.headers.location;
          if (!REDIRECTS.has(answer.status) || !location || redirects >= r.maxRedirects)
            return answer;
          hop = redirected(hop, answer.status, new URL(location, hop.url));
        }
      } finally {
        clearTimeout(timer);
      }
    },
    async refusal(url) {
      try {
        await resolveAllowed(new URL(url).hostname, opts.allowPrivate, resolve);
        return undefined;
      } catch (err) {
        if (err instanceof OutboundRefused) return err.message;
        // A name that does not resolve today may tomorrow: not a reason to refuse the job.
        return undefined;
      }
    },
    close() {
      for (const a of Object.values(agents)) a.destroy();
    },
  };
}

/** The next hop of a redirect: 303 (and 301/302 after a POST) turn into a body-less GET. */
function redirected(hop: Hop, status: number, to: URL): Hop {
  if (to.protocol !== 'http:' && to.protocol !== 'https:')
    throw new OutboundRefused(`redirect to ${to.protocol} is not followed`);
  const get = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  const headers = { ...hop.headers };
  // Credentials are for the origin they were written for.
  if (to.origin !== hop.url.origin)
    for (const h of Object.keys(headers))
      if (/^(authorization|cookie)$/i.test(h)) delete headers[h];
  if (get) for (const h of Object.keys(headers)) if (/^content-/i.test(h)) delete headers[h];
  return {
    method: get ? 'GET' : hop.method,
    url: to,
    headers,
    body: get ? undefined : hop.body,
  };
}

function once(
  hop: Hop,
  agent: http.Agent | false,
  lookup: ReturnType<typeof policyLookup>,
  keepBytes: number,
  signal: AbortSignal,
): Promise<OutboundAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = hop.url.protocol === 'https:' ? https.request : http.request;
    const headers: Record<string, string | number> = { ...hop.headers };
    if (hop.body !== undefined) headers['Content-Length'] = Buffer.byteLength(hop.body);
    const req = request(hop.url, { method: hop.method, agent, headers, lookup, signal }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < keepBytes) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, keepBytes).toString('utf8'),
          url: hop.url.toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason: unknown = signal.aborted ? signal.reason : err;
      reject(
        req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE')
          ? new StaleSocketError(err.message)
          : reason,
      );
    });
    req.end(hop.body);
  });
}
