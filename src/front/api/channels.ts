// /api/v3/channels/: the list (healthchecks' shape: id, name, kind), and cronwatch's own
// create, update, delete and test of email / Slack / webhook channels. All need a
// read-write key; another account's channel is a 404 (invariant 6); each write is one
// transaction and a 4xx changes no row (invariant 5).
import type { RequestHandler } from 'express';
import {
  deleteChannel,
  findAccountChannel,
  insertChannel,
  listAccountChannels,
  updateChannel,
  type ChannelRow,
} from '../../db/channels.js';
import { transaction, type Queryable } from '../../db/pool.js';
import {
  channelJson,
  newChannelSpec,
  parseChannelBody,
  updatedChannelSpec,
  type ChannelInput,
} from '../../domain/channel-spec.js';
import { sendChannelTest } from '../../notify/channel-test.js';
import { channelRules, savableChannel } from '../channel-save.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { authOf } from './auth.js';
import { notFound } from './params.js';

export function listChannels(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    res.json({ channels: await listAccountChannels(deps.pool, authOf(res).accountId) });
  };
}

function input(body: unknown): ChannelInput {
  const parsed = parseChannelBody(body);
  if ('error' in parsed) throw new HttpError(400, parsed.error);
  return parsed.input;
}

async function pathChannel(
  db: Queryable,
  accountId: number,
  id: unknown,
  lock: boolean,
): Promise<ChannelRow> {
  const found =
    typeof id === 'string' ? await findAccountChannel(db, accountId, id, { lock }) : undefined;
  if (!found || 'error' in found) throw notFound();
  return found;
}

export function createChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const spec = await savableChannel(deps, newChannelSpec(input(req.body), channelRules(deps)));
    if ('error' in spec) throw new HttpError(400, spec.error);
    const uuid = await insertChannel(deps.pool, accountId, spec, deps.clock());
    res.status(201).json(channelJson({ uuid, ...spec }));
  };
}

export function getChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    res.json(
      channelJson(await pathChannel(deps.pool, authOf(res).accountId, req.params.id, false)),
    );
  };
}

export function editChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const i = input(req.body);
    const json = await transaction(deps.pool, async (client) => {
      const channel = await pathChannel(client, accountId, req.params.id, true);
      const spec = await savableChannel(deps, updatedChannelSpec(channel, i, channelRules(deps)));
      if ('error' in spec) throw new HttpError(400, spec.error);
      await updateChannel(client, channel.id, spec);
      return channelJson({ ...channel, ...spec });
    });
    res.json(json);
  };
}

export function removeChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const { accountId } = authOf(res);
    const json = await transaction(deps.pool, async (client) => {
      const channel = await pathChannel(client, accountId, req.params.id, true);
      await deleteChannel(client, channel.id);
      return channelJson(channel);
    });
    res.json(json);
  };
}

/** Sends now, through the real transport: 200 {"ok": true}, or 502 with the transport's error. */
export function testChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const extra = Object.keys(input(req.body)).filter((k) => k !== 'api_key');
    if (extra.length) throw new HttpError(400, `unknown field(s): ${extra.join(', ')}`);
    const channel = await pathChannel(deps.pool, authOf(res).accountId, req.params.id, false);
    const result = await sendChannelTest(deps.config, channel);
    if ('error' in result) res.status(502).json({ error: result.error });
    else res.json({ ok: true });
  };
}
