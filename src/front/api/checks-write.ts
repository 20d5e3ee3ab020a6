// POST /api/v3/checks/ (create, or update with `unique`), POST /api/v3/checks/<uuid>
// (update) and DELETE /api/v3/checks/<uuid>. Each is one transaction: a 4xx leaves every
// row as it was (invariant 5).
import type { RequestHandler } from 'express';
import {
  deleteCheck,
  findUniqueMatch,
  insertApiCheck,
  lockAccount,
  lockAccountCheck,
  nameTaken,
  resolveChannels,
  setCheckChannels,
  updateApiCheck,
  type LockedApiCheck,
  type UniqueMatch,
} from '../../db/check-write.js';
import { applyPolicyInput } from '../../db/policy-settings.js';
import { writeEmailKw } from '../../db/email-kw.js';
import { transaction, type Client } from '../../db/pool.js';
import { applyCheckInput, newCheckFields, scheduleChanged } from '../../domain/api-check-apply.js';
import { CREATE_DEFAULTS, parseCheckInput, type CheckInput } from '../../domain/api-check-input.js';
import { deadlineAfterScheduleChange } from '../../domain/check-spec.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { writtenCheckJson } from './check-shape.js';
import { notFound, UUID } from './params.js';

function input(body: unknown): CheckInput {
  const parsed = parseCheckInput(body ?? {});
  if ('error' in parsed) throw new HttpError(400, parsed.error);
  return parsed;
}

/** The values a new check would get, for the fields named in `unique`. */
function uniqueMatch(i: CheckInput): UniqueMatch | undefined {
  const m: UniqueMatch = {};
  for (const field of i.unique ?? []) {
    if (field === 'name') {
      if (i.name === undefined) return undefined; // healthchecks: name=None matches nothing
      m.name = i.name;
    } else if (field === 'slug') m.slug = i.slug ?? null;
    else if (field === 'tags') m.tags = i.tags ?? [];
    else if (field === 'timeout') m.timeout = i.timeout ?? CREATE_DEFAULTS.timeout;
    else m.grace = i.grace ?? CREATE_DEFAULTS.grace;
  }
  return m;
}

/**
 * Applies the body to an existing check (update) or to a new one; returns its uuid. The
 * caller holds the account lock (taken before any check lock: no lock-order cycle). The
 * dashboard's check form writes through this too: one set of rules and messages.
 */
export async function writeCheck(
  client: Client,
  accountId: number,
  existing: LockedApiCheck | undefined,
  i: CheckInput,
  now: Date,
): Promise<string> {
  if (!existing && i.name === undefined)
    throw new HttpError(400, 'name is required: every cronwatch check has a unique name');
  const fields = applyCheckInput(existing ?? newCheckFields(i.name!), i);
  if ('error' in fields) throw new HttpError(400, fields.error);
  if (await nameTaken(client, accountId, fields.name, existing?.id ?? null))
    throw new HttpError(
      409,
      `name: a check named ${JSON.stringify(fields.name)} already exists in this account ` +
        '(cronwatch check names are unique per account, unlike healthchecks); ' +
        'update it, or create with "unique": ["name"]',
    );
  const channels =
    i.channels === undefined ? undefined : await resolveChannels(client, accountId, i.channels);
  if (channels && 'error' in channels) throw new HttpError(400, channels.error);
  let id: number;
  let uuid: string;
  if (existing) {
    const next = scheduleChanged(existing, fields)
      ? deadlineAfterScheduleChange(existing, fields)
      : existing.nextDeadline;
    await updateApiCheck(client, existing.id, fields, next, now);
    ({ id, uuid } = existing);
  } else {
    ({ id, uuid } = await insertApiCheck(client, accountId, fields, now));
  }
  if (channels) await setCheckChannels(client, id, channels);
  const refused = i.policy && (await applyPolicyInput(client, accountId, { id, uuid }, i.policy));
  if (refused) throw new HttpError(400, refused);
  if (i.emailKw) await writeEmailKw(client, id, i.emailKw);
  return uuid;
}

export function createCheck(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const i = input(req.body);
    const now = deps.clock();
    const [status, json] = await transaction(deps.pool, async (client) => {
      // Locked first, so two concurrent upserts with the same `unique` find each other.
      await lockAccount(client, accountId);
      const match = i.unique?.length ? uniqueMatch(i) : undefined;
      const existing = match ? await findUniqueMatch(client, accountId, match) : undefined;
      const uuid = await writeCheck(client, accountId, existing, i, now);
      return [existing ? 200 : 201, await writtenCheckJson(deps, client, accountId, uuid)];
    });
    res.status(status).json(json);
  };
}

/** The account's check named by a uuid path parameter, locked; 404 otherwise. */
export async function lockPathCheck(
  client: Client,
  accountId: number,
  id: unknown,
): Promise<LockedApiCheck> {
  const check =
    typeof id === 'string' && UUID.test(id)
      ? await lockAccountCheck(client, accountId, id.toLowerCase())
      : undefined;
  if (!check) throw notFound();
  return check;
}

export function updateCheck(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const i = input(req.body);
    const now = deps.clock();
    const json = await transaction(deps.pool, async (client) => {
      await lockAccount(client, accountId);
      const check = await lockPathCheck(client, accountId, req.params.id);
      const uuid = await writeCheck(client, accountId, check, i, now);
      return writtenCheckJson(deps, client, accountId, uuid);
    });
    res.json(json);
  };
}

export function removeCheck(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const json = await transaction(deps.pool, async (client) => {
      const check = await lockPathCheck(client, accountId, req.params.id);
      const shown = await writtenCheckJson(deps, client, accountId, check.uuid);
      await deleteCheck(client, check.id);
      return shown;
    });
    res.json(json);
  };
}
