// Cross-origin use of the Management API, as healthchecks' API views allow it: a page on
// another origin may read and write with the key in the X-Api-Key header. Without this a
// browser client got no Access-Control-Allow-Origin and its preflight OPTIONS a 405.
// Mounted on /api/v3 only: the dashboard's cookie session must never be usable from another
// origin, so no other route answers CORS, and credentials are never allowed (a "*" origin
// also makes browsers send no cookies). A dozen lines rather than the `cors` package: the
// policy is fixed (any origin, no credentials), nothing to configure per route.
import type { RequestHandler } from 'express';

const ALLOW = {
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Api-Key, Content-Type',
  // Browsers reuse a preflight this long (seconds) instead of one more round trip per call.
  'Access-Control-Max-Age': '600',
};

/** Access-Control-Allow-Origin on every answer; a preflight OPTIONS is a 204, no key needed. */
export const apiCors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  if (req.method !== 'OPTIONS') return next();
  res.set(ALLOW).status(204).end();
};
