// The settings of the `http` action, checked field by field (issue 12: a 400 naming the
// field, nothing written).
import type { SettingsResult } from './action.js';

export interface HttpSettings {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses that count as success; empty = any 2xx. */
  expectedStatuses: number[];
  bodyRegex?: string;
}

export const MAX_BODY_BYTES = 100_000;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const KNOWN = new Set(['method', 'url', 'headers', 'body', 'expected_statuses', 'body_regex']);
// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the client computes itself: a job that
// sets them would break the connection or lie about the body.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

class Bad extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
  }
}

function url(v: unknown): string {
  if (v === undefined) throw new Bad('url', 'is required');
  if (typeof v !== 'string' || v.length > 2048)
    throw new Bad('url', 'must be a string of at most 2048 characters');
  const u = URL.canParse(v) ? new URL(v) : undefined;
  if (u?.protocol !== 'http:' && u?.protocol !== 'https:')
    throw new Bad('url', 'must be an http:// or https:// URL');
  return v;
}

function headers(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Bad('headers', 'must be an object of header names to string values');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(v)) {
    if (!TOKEN.test(name))
      throw new Bad('headers', `has an invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string') throw new Bad('headers', `${name} must be a string`);
    // eslint-disable-next-line no-control-regex -- CR, LF and NUL would split the request
    if (/[\u0000\r\n]/.test(value))
      throw new Bad('headers', `${name} must not contain line breaks`);
    if (HOP_BY_HOP.has(name.toLowerCase()) || /^cronwatch-/i.test(name))
      throw new Bad('headers', `${name} is set by the connection or by cronwatch, not by a job`);
    out[name] = value;
  }
  if (Object.keys(out).length > 50) throw new Bad('headers', 'must be at most 50 headers');
  return out;
}

function statuses(v: unknown): number[] {
  if (v === undefined) return [];
  if (
    !Array.isArray(v) ||
    v.length > 100 ||
    !v.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)
  )
    throw new Bad('expected_statuses', 'must be an array of HTTP statuses (100-599)');
  return [...new Set(v as number[])];
}

function regex(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 1000)
    throw new Bad('body_regex', 'must be a string of at most 1000 characters');
  try {
    new RegExp(v);
  } catch (err) {
    throw new Bad('body_regex', `is not a valid regular expression: ${(err as Error).message}`);
  }
  return v;
}

function parse(raw: Record<string, unknown>): HttpSettings {
  const unknown = Object.keys(raw).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new Bad(unknown[0]!, 'is not a field of an http job');
  let body: string | undefined;
  if (raw.body !== undefined) {
    if (typeof raw.body !== 'string') throw new Bad('body', 'must be a string');
    if (Buffer.byteLength(raw.body) > MAX_BODY_BYTES)
      throw new Bad('body', `must be at most ${MAX_BODY_BYTES} bytes`);
    body = raw.body;
  }
  let method = body === undefined ? 'GET' : 'POST';
  if (raw.method !== undefined) {
    if (typeof raw.method !== 'string' || !METHODS.includes(raw.method.toUpperCase()))
      throw new Bad('method', `must be one of ${METHODS.join(', ')}`);
    method = raw.method.toUpperCase();
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD'))
    throw new Bad('body', `cannot be sent with ${method}`);
  const out: HttpSettings = {
    method,
    url: url(raw.url),
    headers: headers(raw.headers),
    expectedStatuses: statuses(raw.expected_statuses),
  };
  if (body !== undefined) out.body = body;
  const re = regex(raw.body_regex);
  if (re !== undefined) out.bodyRegex = re;
  return out;
}

export function validateHttp(raw: Record<string, unknown>): SettingsResult<HttpSettings> {
  try {
    return { settings: parse(raw) };
  } catch (err) {
    if (err instanceof Bad) return { error: err.message, field: err.field };
    throw err;
  }
}
