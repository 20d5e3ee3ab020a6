// healthchecks.io's ping API on node:http, ahead of express (DESIGN.md, "The hot path"):
//   /ping/<uuid>[/start|/fail|/log|/<exit status>]
//   /ping/<ping-key>/<slug>[/start|/fail|/log|/<exit status>][?create=1]
// with ?rid=<uuid>, on HEAD, GET and POST. Answers as healthchecks does: 200 "OK",
// 201 "Created", 404 "not found", 400 with a reason, 409 for an ambiguous slug.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PingResult, Target } from '../db/ping.js';
import type { PingKind } from '../domain/ping.js';
import { SLUG, UUID } from '../domain/patterns.js';
import type { FrontDeps } from './deps.js';
import { submitPing } from './submit-ping.js';

const METHODS = new Set(['GET', 'HEAD', 'POST']);

export function isPing(url: URL): boolean {
  return url.pathname.startsWith('/ping/');
}

type Parsed =
  | { target: Target; kind: PingKind; exitStatus: number | null; rid: string | null }
  | { status: number; error: string };

function parseSuffix(
  suffix: string | undefined,
): { kind: PingKind; exitStatus: number | null } | { status: number; error: string } {
  if (suffix === undefined) return { kind: 'success', exitStatus: null };
  if (suffix === 'start' || suffix === 'fail' || suffix === 'log')
    return { kind: suffix, exitStatus: null };
  // Any run of digits is an exit status, so every one above 255 is a 400 as in healthchecks
  // (a 10-digit status used to fall through to 404). Number() of a huge one is Infinity.
  if (/^\d+$/.test(suffix)) {
    const exit = Number(suffix);
    if (exit > 255) {
      const got = suffix.length > 12 ? `${suffix.slice(0, 12)}…` : suffix;
      return { status: 400, error: `exit status must be 0-255 (got ${got})` };
    }
    return { kind: exit === 0 ? 'success' : 'fail', exitStatus: exit };
  }
  return { status: 404, error: 'not found' };
}

export type PingPath =
  | { uuid: string; suffix: string | undefined }
  | { pingKey: string; slug: string; suffix: string | undefined };

/**
 * The parts of /ping/<uuid>[/<suffix>] or /ping/<ping key>/<slug>[/<suffix>]; undefined for
 * any other shape (a 404). The metrics read ping kinds with it too, so they count URLs the
 * way this router reads them.
 */
export function pingPath(pathname: string): PingPath | undefined {
  const parts = pathname.slice('/ping/'.length).replace(/\/$/, '').split('/');
  const first = parts[0] ?? '';
  if (UUID.test(first))
    return parts.length > 2 ? undefined : { uuid: first.toLowerCase(), suffix: parts[1] };
  if (!first || parts.length < 2 || parts.length > 3) return undefined;
  return { pingKey: first, slug: parts[1]!, suffix: parts[2] };
}

function parse(url: URL, deps: FrontDeps): Parsed {
  const path = pingPath(url.pathname);
  if (!path) return { status: 404, error: 'not found' };
  let target: Target;
  if ('uuid' in path) {
    target = { uuid: path.uuid };
  } else {
    if (!SLUG.test(path.slug)) {
      return {
        status: 400,
        error: 'invalid slug: use 1-200 lowercase letters, digits, "-" and "_"',
      };
    }
    target = {
      pingKey: path.pingKey,
      slug: path.slug,
      create: url.searchParams.get('create') === '1',
      createLimit: deps.config.pings.createLimit,
    };
  }
  const s = parseSuffix(path.suffix);
  if ('error' in s) return s;
  const rid = url.searchParams.get('rid');
  if (rid !== null && !UUID.test(rid)) return { status: 400, error: 'rid must be a UUID' };
  return { target, kind: s.kind, exitStatus: s.exitStatus, rid: rid?.toLowerCase() ?? null };
}

function answer(res: ServerResponse, deps: FrontDeps, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Ping-Body-Limit': String(deps.config.pings.bodyLimitBytes),
    // Pings may come from browsers (a status page's "I ran" button); healthchecks allows it.
    'Access-Control-Allow-Origin': '*',
  });
  res.end(text);
}

/**
 * Reads the whole body but keeps only the first `limit` bytes: a ping's body is cut, never
 * refused for its size (healthchecks' rule), and a huge upload never fills memory.
 */
function readCapped(req: IncomingMessage, limit: number): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (kept < limit) {
        const part = chunk.subarray(0, limit - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), size }));
    req.on('error', reject);
  });
}

/**
 * A ping body as stored: text for PostgreSQL, at most `limit` bytes of UTF-8. Invalid UTF-8
 * (binary output) becomes U+FFFD, and NUL, which text columns cannot hold, too: 3 bytes for
 * each 1 sent, so the limit is applied again to the text (200,000 NULs under a 100,000-byte
 * limit were stored as 300,000 bytes). The first `limit` bytes read are enough: a
 * replacement is never shorter than what it replaces. `cut`: the body went on past `kept`.
 */
export function storedBody(kept: Buffer, cut: boolean, limit: number): string {
  // Decoding in stream mode drops a character cut by the limit instead of turning it into a
  // U+FFFD that was never in the output. ignoreBOM keeps a leading BOM, as Buffer#toString.
  const text = new TextDecoder('utf-8', { ignoreBOM: true })
    .decode(kept, { stream: cut })
    .replaceAll('\u0000', '\uFFFD');
  if (text.length <= limit / 3 || Buffer.byteLength(text) <= limit) return text;
  // Cut on a character boundary: the partial character at the end is dropped the same way.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(
    Buffer.from(text, 'utf8').subarray(0, limit),
    { stream: true },
  );
}

const RESULTS: Record<Exclude<PingResult, object>, [number, string]> = {
  ok: [200, 'OK'],
  created: [201, 'Created'],
  'not found': [404, 'not found'],
  ambiguous: [409, 'ambiguous slug'],
  limit: [403, 'check limit reached: this account cannot auto-create more checks'],
  'name taken': [409, 'cannot create: a check with this name exists without this slug'],
};

export async function handlePing(
  deps: FrontDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!METHODS.has(req.method ?? '')) {
    req.resume();
    res.setHeader('Allow', 'GET, HEAD, POST');
    return answer(res, deps, 405, 'method not allowed: use GET, HEAD or POST');
  }
  const parsed = parse(url, deps);
  if ('error' in parsed) {
    req.resume();
    return answer(res, deps, parsed.status, parsed.error);
  }
  let body: string | null = null;
  let bodySize: number | null = null;
  if (req.method === 'POST') {
    const limit = deps.config.pings.bodyLimitBytes;
    const read = await readCapped(req, limit);
    bodySize = read.size;
    body = storedBody(read.body, read.size > read.body.length, limit);
  } else {
    req.resume();
  }
  const request = {
    target: parsed.target,
    kind: parsed.kind,
    exitStatus: parsed.exitStatus,
    rid: parsed.rid,
    now: deps.clock(),
    address: deps.addressOf(req),
    method: req.method ?? 'GET',
    userAgent: req.headers['user-agent']?.slice(0, 500) ?? null,
    body,
    bodySize,
    globalSlack: deps.config.slack !== undefined,
  };
  const result = await submitPing(deps, request);
  // Only gocron check-ins are refused (gocron-trust); a /ping/ target never is.
  if (typeof result === 'object') return answer(res, deps, 403, result.refused.message);
  const [status, text] = RESULTS[result];
  answer(res, deps, status, text);
}
