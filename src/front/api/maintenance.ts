// Maintenance windows (GET/POST /api/v3/maintenance_windows/, DELETE /api/v3/maintenance_windows/<uuid>) and
// acknowledge (POST /api/v3/checks/<uuid>/ack), issue 16.
import type { RequestHandler } from 'express';
import { idsByUuid } from '../../db/dependencies.js';
import { deleteWindow, insertWindow, listWindows } from '../../db/maintenance.js';
import { acknowledge } from '../../db/policy-state.js';
import { transaction } from '../../db/pool.js';
import { parseWindowBody } from '../../domain/policy-window-input.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { writtenCheckJson } from './check-shape.js';
import { lockPathCheck } from './checks-write.js';
import { notFound, UUID } from './params.js';

export function listWindowsRoute(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const { accountId } = authOf(res);
    res.json({ windows: await listWindows(deps.pool, accountId) });
  };
}

export function createWindowRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const w = parseWindowBody(req.body ?? {});
    if ('error' in w) throw new HttpError(400, w.error);
    const json = await transaction(deps.pool, async (client) => {
      let checkId: number | null = null;
      if (w.check) {
        checkId = (await idsByUuid(client, accountId, [w.check])).get(w.check) ?? null;
        if (checkId === null)
          throw new HttpError(400, `check: no check of this account has uuid ${w.check}`);
      }
      return insertWindow(client, accountId, { ...w, checkId }, deps.clock());
    });
    res.status(201).json(json);
  };
}

export function deleteWindowRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const id = req.params.id;
    if (typeof id !== 'string' || !UUID.test(id)) throw notFound();
    if (!(await deleteWindow(deps.pool, accountId, id.toLowerCase()))) throw notFound();
    res.status(204).end();
  };
}

/** Stops the repeats of a down check's alert until it recovers; 409 when nothing is down. */
export function ackRoute(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const json = await transaction(deps.pool, async (client) => {
      const check = await lockPathCheck(client, accountId, req.params.id);
      if (!(await acknowledge(client, check.id, deps.clock())))
        throw new HttpError(409, 'check is not down with an alert out: nothing to acknowledge');
      return writtenCheckJson(deps, client, accountId, check.uuid);
    });
    res.json(json);
  };
}
