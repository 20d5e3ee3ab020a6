// GET /api/v3/badges/: healthchecks' list of the account's badge URLs, one entry per tag and
// "*" for all checks. Creates the account's badge key on first use.
import type { RequestHandler } from 'express';
import { accountTags, badgeKeyOf } from '../../db/badges.js';
import { badgeUrls, newBadgeKey, type BadgeUrls } from '../../domain/badge.js';
import type { FrontDeps } from '../deps.js';
import { authOf } from './auth.js';
import { baseUrl } from './params.js';

export function listBadges(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const { accountId } = authOf(res);
    const key = await badgeKeyOf(deps.pool, accountId, newBadgeKey());
    const base = baseUrl(deps);
    // fromEntries defines own properties: a tag named "__proto__" stays a tag.
    const entries: [string, BadgeUrls][] = (await accountTags(deps.pool, accountId)).map((tag) => [
      tag,
      badgeUrls(base, key, tag),
    ]);
    entries.push(['*', badgeUrls(base, key, '*')]);
    res.json({ badges: Object.fromEntries(entries) });
  };
}
