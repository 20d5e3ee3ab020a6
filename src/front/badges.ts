// Public status badges (README "Badges"): no API key, the account's badge key in the URL is
// the secret. As healthchecks: the key segment ends in `-2` for up/down badges (late counts
// as up); without it (or with `-3`) badges report up, late and down.
//   /badge/<key>[-2].<fmt>                      all the account's checks
//   /badge/<key>[-2]/<tag>.<fmt>                the checks with that tag
//   /badge/<key>[-2]/<uuid | unique_key>.<fmt>  one check
// fmt: svg, json (status and counts) or shields (shields.io's endpoint format).
import { Router, type RequestHandler, type Response } from 'express';
import { accountByBadgeKey, badgeChecks } from '../db/badges.js';
import { apiStatus } from '../domain/api-shapes.js';
import {
  ALL_LABEL,
  badgeSvg,
  parseKeySegment,
  shieldsJson,
  splitFormat,
  summarize,
  type BadgeFormat,
  type BadgeSummary,
} from '../domain/badge.js';
import { findCheck } from './api/checks.js';
import { UNIQUE_KEY, UUID } from './api/params.js';
import type { FrontDeps } from './deps.js';
import { HttpError } from './errors.js';

function send(res: Response, fmt: BadgeFormat, label: string, s: BadgeSummary): void {
  // Short-lived: README renderers (GitHub's camo) cache, and a badge should follow the check.
  res.set('Cache-Control', 'public, max-age=60');
  res.set('Access-Control-Allow-Origin', '*');
  res.set('X-Content-Type-Options', 'nosniff');
  if (fmt === 'svg') {
    // No script runs in an <img>, but opened directly the document is the site's: forbid it.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('image/svg+xml').send(badgeSvg(label, s.status));
  } else if (fmt === 'shields') {
    res.json(shieldsJson(label, s.status));
  } else {
    res.json({ status: s.status, total: s.total, grace: s.grace, down: s.down });
  }
}

const notFound = () => new HttpError(404, 'not found');

function handler(deps: FrontDeps, all: boolean): RequestHandler {
  return async (req, res) => {
    const params = req.params as Record<string, string>;
    const file = splitFormat(all ? params.file! : params.name!);
    const seg = parseKeySegment(all ? (file?.name ?? '') : params.key!);
    if (!file || !seg) throw notFound();
    const accountId = await accountByBadgeKey(deps.pool, seg.key);
    if (accountId === undefined) throw notFound();
    const now = deps.clock();
    if (!all && (UUID.test(file.name) || UNIQUE_KEY.test(file.name))) {
      const auth = { accountId, keyId: 0, scope: 'read' as const };
      const check = await findCheck(deps, auth, file.name, { uniqueKey: true });
      // Never the uuid as a label: a unique_key badge must not reveal the ping URL.
      if (check) {
        const label = check.name || check.slug || 'check';
        return send(res, file.fmt, label, summarize([apiStatus(check, now)], seg.states));
      }
    }
    const tag = all ? '*' : file.name;
    // No tag holds NUL (the API refuses control characters), and PostgreSQL text cannot:
    // /badge/<key>/%00.svg was a 500 from the query (found by test/fuzz/pages.test.ts).
    if (tag.includes('\u0000')) throw notFound();
    const checks = await badgeChecks(deps.pool, accountId, tag);
    // A tag no check has is not found (an empty badge would read "up" forever).
    if (!all && checks.length === 0) throw notFound();
    const statuses = checks.map((c) => apiStatus(c, now));
    send(res, file.fmt, all ? ALL_LABEL : tag, summarize(statuses, seg.states));
  };
}

export function badgeRouter(deps: FrontDeps): Router {
  const router = Router();
  router.get('/:file', handler(deps, true));
  router.get('/:key/:name', handler(deps, false));
  return router;
}
