// /dashboard/keys: the account's API keys (prefix, scope, name, last use), a form that makes
// one (shown once, on the answer to the form: never in a URL or a later page) and revoke
// buttons. Read-write sessions only: a read-only key must not mint a read-write one.
// Revoking the key a session was opened with ends that session at its next request.
import type { RequestHandler, Response } from 'express';
import {
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  type KeyInfo,
  type KeyScope,
} from '../../db/api-keys.js';
import { PREFIX_LENGTH } from '../../domain/api-key.js';
import { nameError } from '../../domain/text.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { timeCell } from './check-cells.js';
import { field, formText, type FieldErrors } from './form.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { sessionOf } from './session.js';

const SCOPES: Record<KeyScope, string> = { write: 'read-write', read: 'read-only' };

function keyRow(k: KeyInfo, now: Date, csrf: string): Html {
  return html`<tr
    data-prefix="${k.prefix}"
    class="${k.revokedAt ? 'revoked' : ''}"
  >
    <td class="prefix"><code>${k.prefix}</code>…</td>
    <td data-label="Scope">${SCOPES[k.scope]}</td>
    <td class="name" data-label="Name">${k.name || html`<span class="muted">–</span>`}</td>
    <td data-label="Created">${timeCell(k.createdAt, now, '')}</td>
    <td class="last-used" data-label="Last used">${timeCell(k.lastUsedAt, now, 'never')}</td>
    <td class="row-actions">
      ${
        k.revokedAt
          ? html`<span class="muted">revoked ${timeCell(k.revokedAt, now, '')}</span>`
          : html`<form
              method="post"
              action="/dashboard/keys/${k.prefix}/revoke"
              data-confirm="Revoke this key? Whatever uses it stops working at once."
            >
              <input type="hidden" name="_csrf" value="${csrf}" />
              <button type="submit" class="action-delete">Revoke</button>
            </form>`
      }
    </td>
  </tr>`;
}

function createForm(csrf: string, errors: FieldErrors, name = ''): Html {
  return html`<h2>Create a key</h2>
    <form method="post" action="/dashboard/keys" class="stack" novalidate>
      <input type="hidden" name="_csrf" value="${csrf}" />
      ${field({
        name: 'name',
        label: 'Name',
        input: html`<input id="name" name="name" maxlength="200" value="${name}" placeholder="what uses it" />`,
        errors,
      })}
      ${field({
        name: 'scope',
        label: 'Scope',
        input: html`<select id="scope" name="scope">
          <option value="write">read-write: change checks, channels and keys</option>
          <option value="read">read-only: see checks, no ping URLs</option>
        </select>`,
        errors,
      })}
      <div class="buttons"><button type="submit" class="primary">Create key</button></div>
    </form>`;
}

async function sendKeysPage(
  deps: FrontDeps,
  res: Response,
  st: {
    status: number;
    created?: { key: string; scope: KeyScope };
    errors?: FieldErrors;
    name?: string;
  },
): Promise<void> {
  const s = sessionOf(res);
  const now = deps.clock();
  const keys = await listApiKeys(deps.pool, s.accountId);
  const errors = st.errors ?? {};
  const created = st.created
    ? html`<section class="created-key notice" role="status">
        <p>
          New ${SCOPES[st.created.scope]} key. Copy it now: it is shown only this once (cronwatch
          keeps only its hash).
        </p>
        <div class="copy">
          <pre id="new-key">${st.created.key}</pre>
          <button type="button" class="copy-button" data-copy="new-key">Copy</button>
        </div>
      </section>`
    : '';
  const body = html`<h1>API keys</h1>
    ${created}
    <p>Keys sign in to this dashboard and call the API. Only their first ${PREFIX_LENGTH} characters are kept in the clear.</p>
    <table class="keys cards">
      <thead>
        <tr><th>Prefix</th><th>Scope</th><th>Name</th><th>Created</th><th>Last used</th><th></th></tr>
      </thead>
      <tbody>
        ${keys.map((k) => keyRow(k, now, s.csrf))}
      </tbody>
    </table>
    ${createForm(s.csrf, errors, st.name)}`;
  res.status(st.status).set('Cache-Control', 'no-store').type('html');
  res.send(
    layout({ title: 'API keys', account: s.account, csrf: s.csrf, scripts: ['dashboard.js'] }, body)
      .text,
  );
}

export function keysPage(deps: FrontDeps): RequestHandler {
  return (_req, res) => sendKeysPage(deps, res, { status: 200 });
}

export function createKey(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = formText(body, 'name') ?? '';
    const scopeText = formText(body, 'scope') ?? 'write';
    const errors: FieldErrors = {};
    const badName = name === '' ? undefined : nameError('name', name);
    if (badName) errors.name = badName;
    if (scopeText !== 'read' && scopeText !== 'write')
      errors.scope = `scope must be read or write (got ${JSON.stringify(scopeText)})`;
    if (Object.keys(errors).length) return sendKeysPage(deps, res, { status: 400, errors, name });
    const scope = scopeText as KeyScope;
    const { key } = await issueApiKey(deps.pool, sessionOf(res).accountId, scope, name);
    await sendKeysPage(deps, res, { status: 201, created: { key, scope } });
  };
}

export function revokeKey(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const prefix = String(req.params.prefix);
    const result = await revokeApiKey(deps.pool, sessionOf(res).accountId, prefix, deps.clock());
    if (result === 'missing') throw new HttpError(404, 'no such key');
    res.redirect(303, '/dashboard/keys');
  };
}
