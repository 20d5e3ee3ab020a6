// A write's answer: the check as a read-write key sees it, read in the write's transaction.
import { apiCheckByUuid } from '../../db/checks-admin.js';
import type { Queryable } from '../../db/pool.js';
import { checkJson } from '../../domain/api-shapes.js';
import type { FrontDeps } from '../deps.js';
import { baseUrl } from './params.js';

export async function writtenCheckJson(
  deps: FrontDeps,
  db: Queryable,
  accountId: number,
  uuid: string,
): Promise<Record<string, unknown>> {
  const row = await apiCheckByUuid(db, accountId, uuid);
  if (!row) throw new Error(`check ${uuid} vanished inside its own transaction`);
  return checkJson(row, { baseUrl: baseUrl(deps), readOnly: false, now: deps.clock() });
}
