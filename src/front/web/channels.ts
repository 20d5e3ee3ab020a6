// /dashboard/channels: the account's channels (email, Slack, webhook and whatever kinds
// src/domain/channel-spec.ts knows: the forms are drawn from its CHANNEL_KINDS and
// CHANNEL_FIELDS), with the checks and jobs each alerts for; add, edit, delete, send a test.
// Channels hold credentials, so, as in the API, every channel page needs a read-write key.
// Validation is the API's (newChannelSpec, updatedChannelSpec): the same messages, each
// next to the field it names.
import type { RequestHandler, Response } from 'express';
import { channelUses, type ChannelUse, type LinkedItem } from '../../db/channel-links.js';
import {
  deleteChannel,
  findAccountChannel,
  insertChannel,
  listChannelRows,
  updateChannel,
  type ChannelRow,
} from '../../db/channels.js';
import { transaction, type Queryable } from '../../db/pool.js';
import {
  CHANNEL_FIELDS,
  channelJson,
  newChannelSpec,
  updatedChannelSpec,
} from '../../domain/channel-spec.js';
import { sendChannelTest } from '../../notify/channel-test.js';
import { channelRules, savableChannel } from '../channel-save.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { errorsOf, formText, type FieldErrors } from './form.js';
import {
  allFields,
  channelForm,
  inputOf,
  kindParam,
  shownValue,
  valuesOf,
} from './channel-form.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { sessionOf, type WebSession } from './session.js';

function send(res: Response, status: number, s: WebSession, title: string, body: Html): void {
  res.status(status).set('Cache-Control', 'no-store').type('html');
  res.send(
    layout({ title, account: s.account, csrf: s.csrf, scripts: ['dashboard.js'] }, body).text,
  );
}

function details(c: ChannelRow): Html {
  const entries = Object.entries(channelJson(c)).filter(
    ([k, v]) => !['id', 'name', 'kind'].includes(k) && v !== null && v !== false,
  );
  return html`${entries.map(
    ([k, v]) =>
      html`<div class="detail"><span class="muted">${k}</span> <span class="value">${v === true ? 'set' : String(v)}</span></div>`,
  )}`;
}

function usedBy(use: ChannelUse | undefined): Html {
  const links = (items: LinkedItem[], path: string) =>
    items.map(
      (it, i) => html`${i ? ', ' : ''}<a href="/dashboard/${path}/${it.uuid}">${it.name}</a>`,
    );
  if (!use || (use.checks.length === 0 && use.jobs.length === 0))
    return html`<span class="muted">no check or job</span>`;
  return html`${use.checks.length ? html`<div>checks: ${links(use.checks, 'checks')}</div>` : ''}
  ${use.jobs.length ? html`<div>jobs: ${links(use.jobs, 'jobs')}</div>` : ''}`;
}

function testForm(c: ChannelRow, s: WebSession): Html {
  return html`<form method="post" action="/dashboard/channels/${c.uuid}/test">
    <input type="hidden" name="_csrf" value="${s.csrf}" />
    <button type="submit" class="action-test">Send test</button>
  </form>`;
}

function deleteForm(c: ChannelRow, s: WebSession): Html {
  return html`<form
    method="post"
    action="/dashboard/channels/${c.uuid}/delete"
    data-confirm="Delete this channel? Its checks will no longer alert through it."
  >
    <input type="hidden" name="_csrf" value="${s.csrf}" />
    <button type="submit" class="action-delete">Delete</button>
  </form>`;
}

export function channelsPage(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const s = sessionOf(res);
    const [channels, uses] = await Promise.all([
      listChannelRows(deps.pool, s.accountId),
      channelUses(deps.pool, s.accountId),
    ]);
    const body = html`<div class="title-row">
        <h1>Channels</h1>
        <a class="button primary" href="/dashboard/channels/new">Add channel</a>
      </div>
      <p>Where alerts go. A check alerts through the channels linked to it (on its edit page).</p>
      ${
        channels.length === 0
          ? html`<p class="empty">No channels yet.</p>`
          : html`<table class="channels cards">
              <thead>
                <tr><th>Name</th><th>Kind</th><th>Sends to</th><th>Used by</th><th></th></tr>
              </thead>
              <tbody>
                ${channels.map(
                  (c) => html`<tr data-channel="${c.uuid}">
                    <td class="name"><a href="/dashboard/channels/${c.uuid}">${c.name}</a></td>
                    <td class="kind" data-label="Kind">${c.kind}</td>
                    <td class="details" data-label="Sends to">${details(c)}</td>
                    <td class="used" data-label="Used by">${usedBy(uses.get(c.id))}</td>
                    <td class="row-actions">${testForm(c, s)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }`;
    send(res, 200, s, 'Channels', body);
  };
}

export function newChannelPage(): RequestHandler {
  return (req, res) => {
    const s = sessionOf(res);
    const kind = kindParam(req.query.kind);
    const body = html`<p><a href="/dashboard/channels">← all channels</a></p>
      <h1>Add a channel</h1>
      ${channelForm({ kind, values: {}, errors: {} }, s)}`;
    send(res, 200, s, 'Add a channel', body);
  };
}

export function addChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kindText = formText(body, 'kind') ?? '';
    const spec = await savableChannel(
      deps,
      newChannelSpec(inputOf(body, kindText), channelRules(deps)),
    );
    if ('error' in spec) {
      const page = html`<p><a href="/dashboard/channels">← all channels</a></p>
        <h1>Add a channel</h1>
        ${channelForm(
          {
            kind: kindParam(kindText),
            values: valuesOf(body),
            errors: errorsOf(spec.error, allFields()),
          },
          s,
        )}`;
      return send(res, 400, s, 'Add a channel', page);
    }
    const uuid = await insertChannel(deps.pool, s.accountId, spec, deps.clock());
    res.redirect(303, `/dashboard/channels/${uuid}`);
  };
}

async function pathChannel(
  db: Queryable,
  accountId: number,
  id: unknown,
  lock = false,
): Promise<ChannelRow> {
  const found =
    typeof id === 'string' ? await findAccountChannel(db, accountId, id, { lock }) : undefined;
  if (!found || 'error' in found) throw new HttpError(404, 'no such channel');
  return found;
}

async function channelPage(
  deps: FrontDeps,
  res: Response,
  c: ChannelRow,
  st: { status: number; values?: Record<string, string>; errors?: FieldErrors; notice?: Html },
): Promise<void> {
  const s = sessionOf(res);
  const uses = await channelUses(deps.pool, s.accountId);
  const values =
    st.values ??
    Object.fromEntries(
      ['name', ...CHANNEL_FIELDS[c.kind]].map((n) => [
        n,
        n === 'name' ? c.name : (shownValue(c, n) ?? ''),
      ]),
    );
  const body = html`<p><a href="/dashboard/channels">← all channels</a></p>
    <h1 class="channel-title">${c.name} <span class="tag">${c.kind}</span></h1>
    ${st.notice ?? ''}
    <dl class="facts">
      <dt>Sends to</dt>
      <dd>${details(c)}</dd>
      <dt>Used by</dt>
      <dd class="used">${usedBy(uses.get(c.id))}</dd>
    </dl>
    <div class="actions">${testForm(c, s)} ${deleteForm(c, s)}</div>
    <h2>Edit</h2>
    ${channelForm({ kind: c.kind, values, errors: st.errors ?? {}, channel: c }, s)}`;
  send(res, st.status, s, c.name, body);
}

export function showChannel(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const c = await pathChannel(deps.pool, sessionOf(res).accountId, req.params.id);
    await channelPage(deps, res, c, { status: 200 });
  };
}

export function editChannelForm(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await transaction(deps.pool, async (client) => {
      const c = await pathChannel(client, s.accountId, req.params.id, true);
      const spec = await savableChannel(
        deps,
        updatedChannelSpec(c, inputOf(body, c.kind), channelRules(deps)),
      );
      if ('error' in spec) return { c, error: spec.error };
      await updateChannel(client, c.id, spec);
      return { c };
    });
    if (result.error === undefined)
      return res.redirect(303, `/dashboard/channels/${result.c.uuid}`);
    await channelPage(deps, res, result.c, {
      status: 400,
      values: valuesOf(body),
      errors: errorsOf(result.error, allFields()),
    });
  };
}

export function removeChannelForm(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    await transaction(deps.pool, async (client) => {
      const c = await pathChannel(client, s.accountId, req.params.id, true);
      await deleteChannel(client, c.id);
    });
    res.redirect(303, '/dashboard/channels');
  };
}

/** Sends a test now and shows the channel with the outcome (502 when the transport failed). */
export function testChannelForm(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const c = await pathChannel(deps.pool, sessionOf(res).accountId, req.params.id);
    const result = await sendChannelTest(deps.config, c);
    const notice =
      'error' in result
        ? html`<p class="error test-result" role="alert">The test failed: ${result.error}</p>`
        : html`<p class="notice test-result" role="status">Test notification sent.</p>`;
    await channelPage(deps, res, c, { status: 'error' in result ? 502 : 200, notice });
  };
}
