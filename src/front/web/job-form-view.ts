// The job form (issue 13): every field of a job, the action's settings rendered from the
// kind's own description (src/actions/registry.ts: a new kind appears here by itself), each
// error next to its field. Without script every part shows; jobs.js hides the parts of the
// schedule kinds and action kinds not chosen.
import type { SettingField } from '../../actions/action.js';
import { actionOf, ACTION_KINDS } from '../../actions/registry.js';
import type { ChannelRow } from '../../db/channels.js';
import { CATCH_UPS } from '../../domain/job-catchup.js';
import { OVERLAPS } from '../../domain/job-input.js';
import { html, type Html } from './html.js';
import { list, one, settingInput, type FormState } from './job-form-input.js';

export interface FormView {
  title: string;
  action: string;
  submit: string;
  cancel: string;
  csrf: string;
  state: FormState;
  errors: Map<string, string>;
  channels: ChannelRow[];
  /** Editing a job that has a secret: offer to remove it. */
  signed: boolean;
}

/** A textarea drops one newline after its start tag: this one, so a value's own stays. */
const NL = '\n';

type Control = (id: string, invalid: boolean, described: string) => Html;

function field(v: FormView, name: string, label: string, control: Control, help = ''): Html {
  const id = `f-${name}`;
  const error = v.errors.get(name);
  const described = [error ? `e-${name}` : '', help ? `h-${name}` : ''].join(' ').trim();
  return html`<div class="field${error ? ' has-error' : ''}" data-field="${name}">
    <label for="${id}">${label}</label>
    ${control(id, Boolean(error), described)}
    ${error ? html`<p class="field-error" id="e-${name}">${error}</p>` : ''}
    ${help ? html`<p class="help" id="h-${name}">${help}</p>` : ''}
  </div>`;
}

function text(v: FormView, name: string, label: string, help = '', placeholder = ''): Html {
  return field(
    v,
    name,
    label,
    (id, bad, d) =>
      html`<input id="${id}" name="${name}" type="text" value="${one(v.state, name)}"
        placeholder="${placeholder}" ${bad ? 'aria-invalid="true"' : ''}
        ${d ? html`aria-describedby="${d}"` : ''} />`,
    help,
  );
}

function select(
  v: FormView,
  name: string,
  label: string,
  options: readonly string[],
  help = '',
): Html {
  const current = one(v.state, name);
  return field(
    v,
    name,
    label,
    (id, bad, d) =>
      html`<select id="${id}" name="${name}" ${bad ? 'aria-invalid="true"' : ''}
        ${d ? html`aria-describedby="${d}"` : ''}>
        ${options.map(
          (o) =>
            html`<option value="${o}" ${o === current ? 'selected' : ''}>${o || '(default)'}</option>`,
        )}
      </select>`,
    help,
  );
}

function textarea(v: FormView, name: string, label: string, help = '', placeholder = ''): Html {
  return field(
    v,
    name,
    label,
    (id, bad, d) =>
      html`<textarea id="${id}" name="${name}" rows="4" placeholder="${placeholder}"
        ${bad ? 'aria-invalid="true"' : ''} ${d ? html`aria-describedby="${d}"` : ''}>${NL}${one(v.state, name)}</textarea>`,
    help,
  );
}

function setting(v: FormView, kind: string, f: SettingField): Html {
  const name = settingInput(kind, f.name);
  if (f.type === 'select') return select(v, name, f.label, f.options ?? [], f.help);
  if (f.type === 'textarea' || f.type === 'lines')
    return textarea(v, name, f.label, f.help, f.placeholder);
  return text(v, name, f.label, f.help, f.placeholder);
}

function scheduleSection(v: FormView): Html {
  const kinds = [
    ['cron', 'Cron expression'],
    ['every', 'Every N seconds'],
    ['at', 'Once, at a time'],
    ['after', 'Once, after a delay'],
  ] as const;
  const current = one(v.state, 'schedule_kind');
  return html`<fieldset>
    <legend>Schedule</legend>
    <div class="choices" role="radiogroup" aria-label="Schedule kind">
      ${kinds.map(
        ([k, label]) =>
          html`<label class="choice"
            ><input type="radio" name="schedule_kind" value="${k}" ${k === current ? 'checked' : ''} />
            ${label}</label
          >`,
      )}
    </div>
    <div data-when="schedule_kind=cron">
      ${text(v, 'schedule', 'Cron expression', '5 fields, or @hourly, @daily, @weekly, @monthly, @yearly.', '30 2 * * *')}
      ${text(v, 'tz', 'Time zone', 'An IANA zone such as Europe/Berlin; empty: UTC.', 'UTC')}
    </div>
    <div data-when="schedule_kind=every">${text(v, 'every', 'Every (seconds)', '', '300')}</div>
    <div data-when="schedule_kind=at">
      ${text(v, 'at', 'At', 'ISO 8601 with an offset.', '2026-12-24T18:00:00+01:00')}
    </div>
    <div data-when="schedule_kind=after">${text(v, 'after', 'After (seconds from now)', '', '3600')}</div>
    <div data-when="schedule_kind=cron every" class="pair">
      ${text(v, 'start', 'Start', 'Optional. ISO 8601 with an offset.', '2026-01-01T00:00:00Z')}
      ${text(v, 'end', 'End', 'Optional. No run after it.', '2026-12-31T23:59:59Z')}
    </div>
  </fieldset>`;
}

function actionSection(v: FormView): Html {
  return html`<fieldset>
    <legend>Action</legend>
    ${select(v, 'kind', 'Kind', ACTION_KINDS)}
    ${ACTION_KINDS.map((kind) => {
      const fields = actionOf(kind)?.fields;
      return html`<div class="kind-settings" data-when="kind=${kind}">
        <h3>${kind} settings</h3>
        ${
          fields
            ? fields.map((f) => setting(v, kind, f))
            : textarea(
                v,
                settingInput(kind, 'json'),
                'Settings (JSON)',
                'The fields of the API, as a JSON object.',
              )
        }
      </div>`;
    })}
  </fieldset>`;
}

function policySection(v: FormView): Html {
  return html`<fieldset>
    <legend>Run policy</legend>
    <div class="pair">
      ${text(v, 'timeout', 'Timeout (seconds)', 'Of one attempt, 1 to 900.', '30')}
      ${text(v, 'attempts', 'Attempts', 'Retries with backoff on network errors, timeouts, 5xx, 408, 429.', '5')}
    </div>
    <div class="pair">
      ${select(v, 'overlap', 'Overlap', OVERLAPS, 'When a run is still going at the next time: skip the new one, allow both, or queue it.')}
      ${select(v, 'catch_up', 'Catch-up', CATCH_UPS, 'After downtime: none, the latest missed run, or all of them (at most 100).')}
    </div>
    ${text(v, 'starting_deadline', 'Starting deadline (seconds)', 'A run later than this is missed; empty: the smaller of the period and 1 h.')}
    ${field(
      v,
      'secret',
      'Signing secret',
      (id, bad, d) =>
        html`<input id="${id}" name="secret" type="password" autocomplete="off" value=""
          ${bad ? 'aria-invalid="true"' : ''} ${d ? html`aria-describedby="${d}"` : ''} />`,
      v.signed
        ? 'Set: leave empty to keep it. Requests carry Cronwatch-Signature: sha256=<HMAC of the body>.'
        : 'Optional. Requests then carry Cronwatch-Signature: sha256=<HMAC of the body>.',
    )}
    ${v.signed ? html`<label class="choice"><input type="checkbox" name="remove_secret" value="1" /> Remove the secret</label>` : ''}
  </fieldset>`;
}

function channelsSection(v: FormView): Html {
  const chosen = new Set(list(v.state, 'channels'));
  const error = v.errors.get('channels');
  return html`<fieldset data-field="channels" class="${error ? 'has-error' : ''}">
    <legend>Alerts</legend>
    ${
      v.channels.length === 0
        ? html`<p class="muted">This account has no channels yet.</p>`
        : html`<div class="choices">
            ${v.channels.map(
              (c) =>
                html`<label class="choice"
                  ><input type="checkbox" name="channels" value="${c.uuid}" ${chosen.has(c.uuid) ? 'checked' : ''} />
                  ${c.name} <span class="muted">(${c.kind})</span></label
                >`,
            )}
          </div>`
    }
    ${error ? html`<p class="field-error">${error}</p>` : ''}
    <p class="help">
      Where a missed or failed run of a recurring job, and a page change, is alerted. A one-off job
      that dies alerts all the account's channels.
    </p>
  </fieldset>`;
}

export function jobFormView(v: FormView): Html {
  return html`<h1>${v.title}</h1>
    <form method="post" action="${v.action}" class="job-form" novalidate>
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      ${
        v.errors.size
          ? html`<p class="error" role="alert">
              ${v.errors.size === 1 ? 'One field needs' : `${v.errors.size} fields need`} a fix: see
              below. Nothing was saved.
            </p>`
          : ''
      }
      ${v.errors.get('form') ? html`<p class="error">${v.errors.get('form')}</p>` : ''}
      <fieldset>
        <legend>Job</legend>
        ${text(v, 'name', 'Name', '', 'nightly-report')}
        ${text(v, 'tags', 'Tags', 'Separated by spaces.', 'prod reports')}
      </fieldset>
      ${scheduleSection(v)} ${actionSection(v)} ${policySection(v)} ${channelsSection(v)}
      <div class="actions">
        <button type="submit" class="primary">${v.submit}</button>
        <a href="${v.cancel}">Cancel</a>
      </div>
    </form>`;
}
