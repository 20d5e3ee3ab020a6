// The one reading of a request's path, shared by the routers and the request log. Two
// readings disagreed before: the log hid the key of /metrics/<key> only in that spelling, so
// //metrics/<key>, /./metrics/<key> and //ping/<ping key>/… wrote their keys to the log;
// and /ping/<uuid with %2D> answered 404 where healthchecks answers 200, although RFC 3986
// makes it the same URL.
//
// The normal form (RFC 3986 section 6.2.2): escapes of unreserved characters decoded (%2D is
// "-"), the other escapes upper-cased, any character a path may not hold escaped, dot
// segments removed (section 5.2.4; %2E counts as "."). Empty segments stay ("//ping/…" is
// not "/ping/…", as in healthchecks), and %2F stays an escape: an encoded slash is data
// inside a segment, never a new segment. Letter case is left alone: routes match
// case-sensitively.

import type { RequestHandler } from 'express';
import { HttpError, notFound } from './errors.js';

export interface RequestTarget {
  /** The normal form of the path: starts with "/", no "." or ".." segments. */
  path: string;
  /** The query string as sent, with its "?" (or empty). */
  search: string;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
// pchar (RFC 3986): unreserved, sub-delims, ":" and "@". Paths made only of these, with no
// segment starting with ".", are already normal (the common case: no work).
const NORMAL = /^(?:\/(?:[A-Za-z0-9\-_~!$&'()*+,;=:@][A-Za-z0-9\-._~!$&'()*+,;=:@]*)?)*$/;
const TOKEN = /%[0-9A-Fa-f]{2}|%|[^A-Za-z0-9\-._~!$&'()*+,;=:@]/g;

/** Escapes a character a path may not hold: its byte when Node read it as latin1, else UTF-8. */
function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  const bytes = code <= 0xff ? [code] : [...Buffer.from(ch, 'utf8')];
  return bytes.map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** One segment in normal form, or the malformed escape it holds. */
function segment(raw: string): string | { bad: string } {
  let bad: string | undefined;
  const out = raw.replace(TOKEN, (token, offset: number) => {
    if (token === '%') {
      bad ??= raw.slice(offset, offset + 3);
      return token;
    }
    if (token.length === 3) {
      const ch = String.fromCharCode(parseInt(token.slice(1), 16));
      return UNRESERVED.test(ch) ? ch : token.toUpperCase();
    }
    return escape(token);
  });
  return bad === undefined ? out : { bad };
}

function normalPath(raw: string): string | { error: string } {
  if (NORMAL.test(raw)) return raw;
  const parts = raw.split('/').slice(1);
  const out: string[] = [];
  for (const [i, part] of parts.entries()) {
    const s = segment(part);
    if (typeof s !== 'string')
      return { error: `malformed percent-escape "${s.bad}" in the path: use % and two hex digits` };
    if (s !== '.' && s !== '..') out.push(s);
    else {
      if (s === '..') out.pop();
      // "/a/." and "/a/b/.." end in a slash (RFC 3986 section 5.2.4).
      if (i === parts.length - 1) out.push('');
    }
  }
  return '/' + out.join('/');
}

/**
 * The path of a request target (origin-form "/…", or absolute-form "http://host/…" as a
 * proxy sends it) in normal form, with its query string; an error names a malformed escape.
 */
export function readTarget(target: string): RequestTarget | { error: string } {
  let rest = target;
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  if (!rest.startsWith('/')) {
    const url = URL.canParse(rest) ? new URL(rest) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
      return { error: 'malformed request URL: the target must be a path starting with "/"' };
    rest = url.pathname + url.search;
  }
  const q = rest.indexOf('?');
  const path = normalPath(q === -1 ? rest : rest.slice(0, q));
  if (typeof path !== 'string') return path;
  return { path, search: q === -1 ? '' : rest.slice(q) };
}

/**
 * Express reads the path in the same normal form; a malformed one is a 400 that names it. A
 * path with an empty segment is no route's (a 404): express would read "//" as "/", the
 * home page, and "//metrics/<key>" was a 404 whose log line held the key.
 */
export const readPath: RequestHandler = (req, res, next) => {
  const target = readTarget(req.url);
  if ('error' in target) return next(new HttpError(400, target.error));
  req.url = target.path + target.search;
  if (target.path.includes('//')) return notFound(req, res, next);
  next();
};
