// GET /api/v3/checks/ and GET /api/v3/checks/<uuid | unique_key>.
import type { RequestHandler } from 'express';
import {
  accountCheckUuids,
  apiCheckByUuid,
  listApiChecks,
  type ApiCheckRow,
} from '../../db/checks-admin.js';
import { checkJson, uniqueKey } from '../../domain/api-shapes.js';
import type { FrontDeps } from '../deps.js';
import { authOf, type ApiAuth } from './auth.js';
import {
  baseUrl,
  decodeCursor,
  encodeCursor,
  intParam,
  manyParam,
  notFound,
  oneParam,
  UNIQUE_KEY,
  UUID,
} from './params.js';

export const MAX_PAGE = 1000;

/**
 * A check of the key's account by uuid or by unique_key (a hash of the uuid: found by
 * hashing the account's uuids, as healthchecks does). undefined for anything else.
 */
export async function findCheck(
  deps: FrontDeps,
  auth: ApiAuth,
  id: string,
  opts: { uniqueKey: boolean },
): Promise<ApiCheckRow | undefined> {
  if (UUID.test(id)) return apiCheckByUuid(deps.pool, auth.accountId, id.toLowerCase());
  if (opts.uniqueKey && UNIQUE_KEY.test(id)) {
    const uuid = (await accountCheckUuids(deps.pool, auth.accountId)).find(
      (u) => uniqueKey(u) === id,
    );
    return uuid ? apiCheckByUuid(deps.pool, auth.accountId, uuid) : undefined;
  }
  return undefined;
}

/**
 * healthchecks returns every check at once; so do we by default. With ?limit=N (1-1000) the
 * list is paged in a stable order and carries next_cursor (null on the last page); pass it
 * back as ?cursor=… for the next page.
 */
export function listChecks(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const auth = authOf(res);
    const tags = manyParam(req, 'tag');
    const slug = oneParam(req, 'slug') ?? null;
    const limit = intParam(req, 'limit', 1, MAX_PAGE);
    const cursor = oneParam(req, 'cursor');
    const afterId = cursor === undefined ? 0 : decodeCursor(cursor);
    const rows = await listApiChecks(deps.pool, auth.accountId, {
      tags,
      slug,
      afterId,
      limit: limit === undefined ? null : limit + 1,
    });
    const page = limit === undefined ? rows : rows.slice(0, limit);
    const ctx = { baseUrl: baseUrl(deps), readOnly: auth.scope === 'read', now: deps.clock() };
    const body: Record<string, unknown> = { checks: page.map((c) => checkJson(c, ctx)) };
    if (limit !== undefined)
      body.next_cursor = rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null;
    res.json(body);
  };
}

export function getCheck(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const auth = authOf(res);
    const check = await findCheck(deps, auth, String(req.params.id), { uniqueKey: true });
    if (!check) throw notFound();
    res.json(
      checkJson(check, {
        baseUrl: baseUrl(deps),
        readOnly: auth.scope === 'read',
        now: deps.clock(),
      }),
    );
  };
}
