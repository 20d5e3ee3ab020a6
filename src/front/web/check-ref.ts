// How the pages name a check in their links. A check's uuid is its ping token: whoever has
// it can ping the check. A read-write session sees it (the ping URL is on the page anyway);
// a read-only session sees what a read-only API key sees, healthchecks' unique_key (a hash
// of the uuid) in its place, so neither its links nor its rows carry a ping URL's secret.
import { accountCheckUuids } from '../../db/checks-admin.js';
import type { Queryable } from '../../db/pool.js';
import { uniqueKey } from '../../domain/api-shapes.js';
import { UNIQUE_KEY, UUID } from '../api/params.js';
import { HttpError } from '../errors.js';
import type { WebSession } from './session.js';

/** The check's name in this session's links and rows. */
export function checkRef(uuid: string, s: Pick<WebSession, 'scope'>): string {
  return s.scope === 'write' ? uuid : uniqueKey(uuid);
}

/** A uuid path parameter (the write forms), or a 404. */
export function pathUuid(id: unknown): string {
  if (typeof id !== 'string' || !UUID.test(id)) throw new HttpError(404, 'no such check');
  return id.toLowerCase();
}

/** The uuid of the account's check a path names: by uuid, or by unique_key; else a 404. */
export async function pathCheckUuid(
  db: Queryable,
  accountId: number,
  id: unknown,
): Promise<string> {
  if (typeof id === 'string' && UNIQUE_KEY.test(id)) {
    const uuid = (await accountCheckUuids(db, accountId)).find((u) => uniqueKey(u) === id);
    if (uuid) return uuid;
  }
  return pathUuid(id);
}
