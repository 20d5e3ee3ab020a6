// The gocron check-in on node:http, ahead of express (DESIGN.md, "The hot path"): express
// caps a route near 4,500 requests/s on this machine class, node:http reaches ~25,000.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GOCRON_PARAMS, parseGocron, type GocronCheckin } from '../domain/gocron.js';
import type { Refusal } from '../domain/gocron-trust.js';
import { graceFor } from '../domain/schedule.js';
import type { FrontDeps } from './deps.js';
import { readBody, sendText } from './http.js';
import { submitPing } from './submit-ping.js';

/** True when this request is a gocron check-in (and this module answers it). */
export function isGocronCheckin(req: IncomingMessage, url: URL): boolean {
  if (url.pathname !== '/') return false;
  if (req.method === 'POST') return true;
  // COMPAT 1: GET / with none of the four parameters is the web interface, not a check-in.
  return req.method === 'GET' && GOCRON_PARAMS.some((name) => url.searchParams.has(name));
}

export async function handleGocronCheckin(
  deps: FrontDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const input = await parseRequest(deps, req, url);
  if ('error' in input) return sendText(res, input.status, input.error);

  // The same check-in as every ping form (DESIGN.md, "one check-in rule"): a success ping
  // of the check (account, cronname), created on first sight, its settings upserted when
  // gocron check-ins made it.
  const c = input.checkin;
  const result = await submitPing(deps, {
    target: {
      gocron: {
        account: c.account,
        name: c.cronname,
        email: c.email,
        period: c.frequency,
        grace: graceFor(c.frequency, deps.config.grace),
        site: c.site,
        key: c.key,
        createAccounts: deps.config.gocronCreateAccounts,
      },
    },
    kind: 'success',
    exitStatus: null,
    rid: null,
    now: deps.clock(),
    address: deps.addressOf(req),
    method: req.method ?? 'GET',
    userAgent: truncate(req.headers['user-agent']),
    body: null,
    bodySize: null,
    globalSlack: deps.config.slack !== undefined,
  });
  if (typeof result === 'object')
    return sendText(res, REFUSED[result.refused.reason], result.refused.message);
  // COMPAT 3: 201 with an empty body.
  res.writeHead(201, { 'Content-Length': '0' });
  res.end();
}

// 401 asks for the key that was not sent; 403 is a key that is wrong, or check-ins turned off.
const REFUSED: Record<Refusal['reason'], number> = {
  'no account': 404,
  off: 403,
  'key missing': 401,
  'key wrong': 403,
};

type Input = { checkin: GocronCheckin } | { status: number; error: string };

async function parseRequest(deps: FrontDeps, req: IncomingMessage, url: URL): Promise<Input> {
  let get: (name: string) => unknown = (name) => url.searchParams.get(name) ?? undefined;
  let fromQuery = true;
  if (req.method === 'POST') {
    const body = await readBody(req, deps.config.bodyLimitBytes);
    if ('error' in body) return { status: body.status, error: body.error };
    // An empty POST with the parameters in the query string is the GET form of a check-in.
    if (body.text.trim() !== '') {
      const json = parseJsonObject(body.text);
      if ('error' in json) return { status: 400, error: json.error };
      // COMPAT 5: JSON keys are case-insensitive (gocron decoded into a Go struct).
      const lower = new Map<string, unknown>();
      for (const [key, value] of Object.entries(json.value)) {
        if (!lower.has(key.toLowerCase())) lower.set(key.toLowerCase(), value);
      }
      get = (name) => lower.get(name);
      fromQuery = false;
    }
  }
  // Only a value holding U+FFFD can come from bytes that are not UTF-8: the exact (slower)
  // check runs only then, keeping the common check-in cheap.
  if (fromQuery && GOCRON_PARAMS.some((n) => url.searchParams.get(n)?.includes('\uFFFD'))) {
    const bad = notUtf8Param(url.search);
    if (bad) return { status: 400, error: `${bad} is not valid UTF-8 once percent-decoded` };
  }
  const parsed = parseGocron(get);
  return parsed.ok ? { checkin: parsed.checkin } : { status: 400, error: parsed.error };
}

/**
 * The first check-in parameter whose value (its first occurrence, the one searchParams.get
 * returns) percent-decodes to bytes that are not UTF-8. URLSearchParams turns such bytes into
 * U+FFFD, so `cronname=%FF` was stored as "\uFFFD": a name other than the one sent, where
 * COMPAT 4 wants bad values rejected, never altered silently.
 */
function notUtf8Param(search: string): string | undefined {
  const seen = new Set<string>();
  for (const pair of search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (name === undefined || seen.has(name)) continue;
    seen.add(name);
    if (!(GOCRON_PARAMS as readonly string[]).includes(name)) continue;
    if (formDecode(eq === -1 ? '' : pair.slice(eq + 1)) === undefined) return name;
  }
  return undefined;
}

/**
 * x-www-form-urlencoded decoding as URLSearchParams does it, except that bytes that are not
 * UTF-8 give undefined instead of U+FFFD.
 */
function formDecode(raw: string): string | undefined {
  try {
    // A `%` not followed by two hex digits stays literal, as in URLSearchParams.
    return decodeURIComponent(raw.replaceAll('+', ' ').replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string): { value: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `malformed JSON body: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'JSON body must be an object with cronname, account, email and frequency' };
  }
  return { value: value as Record<string, unknown> };
}

function truncate(value: string | undefined, max = 500): string | null {
  if (value === undefined) return null;
  return value.length > max ? value.slice(0, max) : value;
}
