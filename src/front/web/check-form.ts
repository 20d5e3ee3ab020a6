// The check form: GET/POST /dashboard/checks/new and /dashboard/checks/<uuid>/edit, and
// GET /dashboard/describe.json (the schedule in words while it is typed). A form becomes the
// JSON body the API's create and update take, and is written by the API's own code
// (parseCheckInput, applyCheckInput, writeCheck): the same rules and the same messages, each
// shown next to its field. A refused form writes nothing (one transaction, rolled back).
import type { RequestHandler, Response } from 'express';
import { lockAccount } from '../../db/check-write.js';
import { listAccountChannels, type ApiChannel } from '../../db/channels.js';
import { accountCheckChoices } from '../../db/dependencies.js';
import { apiCheckByUuid } from '../../db/checks-admin.js';
import { transaction } from '../../db/pool.js';
import { applyCheckInput, newCheckFields } from '../../domain/api-check-apply.js';
import { CREATE_DEFAULTS, parseCheckInput, type CheckInput } from '../../domain/api-check-input.js';
import { parseSchedule } from '../../domain/check-spec.js';
import type { GracePolicy } from '../../domain/schedule.js';
import { scheduleWords } from '../../domain/describe.js';
import { lockPathCheck, writeCheck } from '../api/checks-write.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import {
  checkboxes,
  errorsOf,
  field,
  formError,
  formList,
  formText,
  type FieldErrors,
} from './form.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { sessionOf, type WebSession } from './session.js';
import { pathUuid } from './check-ref.js';
import {
  BLANK_POLICY,
  policyBody,
  policyFields,
  policyFormValues,
  policyValuesOf,
  POLICY_FIELDS,
  type CheckChoice,
  type PolicyFormValues,
} from './check-form-policies.js';

/** The form's fields, named as the API's body fields. */
const FIELDS = [
  'name',
  'slug',
  'desc',
  'tags',
  'timeout',
  'schedule',
  'tz',
  'grace',
  'channels',
  'manual_resume',
  ...POLICY_FIELDS,
] as const;

export interface CheckFormValues {
  name: string;
  slug: string;
  desc: string;
  tags: string;
  kind: 'period' | 'cron';
  timeout: string;
  schedule: string;
  tz: string;
  grace: string;
  /** Channel uuids. */
  channels: string[];
  manualResume: boolean;
  policy: PolicyFormValues;
}

const BLANK: CheckFormValues = {
  name: '',
  slug: '',
  desc: '',
  tags: '',
  kind: 'period',
  timeout: '86400',
  schedule: '',
  tz: 'UTC',
  // Empty: the default rule gives the grace (defaultGrace), as `cronwatch check add` does.
  grace: '',
  channels: [],
  manualResume: false,
  policy: BLANK_POLICY,
};

export function formValues(body: Record<string, unknown>): CheckFormValues {
  const t = (name: string) => formText(body, name) ?? '';
  return {
    name: t('name'),
    slug: t('slug'),
    desc: t('desc'),
    tags: t('tags'),
    kind: t('kind') === 'cron' ? 'cron' : 'period',
    timeout: t('timeout'),
    schedule: t('schedule'),
    tz: t('tz'),
    grace: t('grace'),
    channels: formList(body, 'channel'),
    manualResume: t('manual_resume') === 'on',
    policy: policyFormValues(body),
  };
}

/** A whole number as a number, anything else as typed (the API's message names it). */
function seconds(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d{1,12}$/.test(t) ? Number(t) : t;
}

/**
 * The JSON body the API would get for this form. `withChannels`, `withParents`: the form
 * listed the channels, the checks to depend on (without the list, the links stay).
 */
export function apiBody(
  v: CheckFormValues,
  withChannels: boolean,
  withParents = false,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...policyBody(v.policy, withParents),
    name: v.name,
    slug: v.slug,
    desc: v.desc,
    tags: v.tags,
    grace: seconds(v.grace),
    manual_resume: v.manualResume,
  };
  if (v.kind === 'cron') {
    body.schedule = v.schedule;
    if (v.tz.trim() !== '') body.tz = v.tz.trim();
  } else body.timeout = seconds(v.timeout);
  if (withChannels) body.channels = v.channels.join(',');
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** Every field's own error, each checked alone by the API's parser. */
export function bodyErrors(body: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [k, v] of Object.entries(body)) {
    const parsed = parseCheckInput({ [k]: v });
    if ('error' in parsed) errors[k] = parsed.error;
  }
  return errors;
}

function valuesOfCheck(c: {
  name: string;
  slug: string | null;
  description: string;
  tags: string[];
  kind: 'simple' | 'cron';
  period: number | null;
  cron: string | null;
  tz: string;
  grace: number;
  manualResume: boolean;
  channels: string;
  policies?: Record<string, unknown>;
}): CheckFormValues {
  return {
    name: c.name,
    slug: c.slug ?? '',
    desc: c.description,
    tags: c.tags.join(' '),
    kind: c.kind === 'cron' ? 'cron' : 'period',
    timeout: String(c.period ?? 86_400),
    schedule: c.cron ?? '',
    tz: c.tz,
    grace: String(c.grace),
    channels: c.channels ? c.channels.split(',') : [],
    manualResume: c.manualResume,
    policy: policyValuesOf(c.policies),
  };
}

/** The fields of the schedule, as the API names them. */
const SCHEDULE_FIELDS = ['timeout', 'schedule', 'tz'];

/** The words of the form's schedule, or the message saying what is wrong with it. */
export function describeSchedule(
  body: Record<string, unknown>,
): { words: string } | { error: string } {
  const schedule = Object.fromEntries(
    Object.entries(body).filter(([k]) => SCHEDULE_FIELDS.includes(k)),
  );
  const parsed = parseCheckInput(schedule);
  if ('error' in parsed) return parsed;
  const fields = applyCheckInput(newCheckFields('-'), parsed);
  if ('error' in fields) return fields;
  return { words: scheduleWords(fields) };
}

const ZONES: string[] = Intl.supportedValuesOf('timeZone');

function input(name: string, value: string, attrs: Html = html``): Html {
  return html`<input id="${name}" name="${name}" value="${value}" ${attrs} />`;
}

function scheduleFields(v: CheckFormValues, errors: FieldErrors): Html {
  const described = describeSchedule(apiBody({ ...v, channels: [] }, false));
  // A refused schedule's message is shown next to its field: not a second time in the words.
  const shown = 'error' in described && SCHEDULE_FIELDS.some((k) => errors[k] !== undefined);
  const words = shown ? { words: '' } : described;
  const radio = (kind: 'period' | 'cron', label: string) =>
    html`<label class="choice"
      ><input type="radio" name="kind" value="${kind}" ${v.kind === kind ? 'checked' : ''} />
      ${label}</label
    >`;
  return html`<fieldset class="schedule">
    <legend>Schedule</legend>
    <div class="choices">${radio('period', 'Every N seconds')} ${radio('cron', 'Cron expression')}</div>
    ${field({
      name: 'timeout',
      label: 'Period (seconds)',
      input: input('timeout', v.timeout, html`inputmode="numeric" data-kind="period"`),
      hint: '60 to 31536000; 3600 is an hour, 86400 a day',
      errors,
    })}
    ${field({
      name: 'schedule',
      label: 'Cron expression',
      input: input(
        'schedule',
        v.schedule,
        html`data-kind="cron" placeholder="0 3 * * *" autocomplete="off" spellcheck="false"`,
      ),
      hint: 'minute hour day month weekday, or @daily, @hourly…',
      errors,
    })}
    ${field({
      name: 'tz',
      label: 'Time zone',
      input: html`${input('tz', v.tz, html`list="zones" data-kind="cron" autocomplete="off"`)}
        <datalist id="zones">${ZONES.map((z) => html`<option value="${z}"></option>`)}</datalist>`,
      errors,
    })}
    <p class="words" aria-live="polite">
      <output id="schedule-words" class="${'error' in words ? 'bad' : ''}"
        >${'words' in words ? words.words : words.error}</output
      >
    </p>
  </fieldset>`;
}

function channelsField(v: CheckFormValues, channels: ApiChannel[], errors: FieldErrors): Html {
  if (channels.length === 0)
    return html`<div class="field" data-field="channels">
      <span class="label">Alerts go to</span>
      <p class="muted">No channels yet: <a href="/dashboard/channels/new">add one</a>.</p>
    </div>`;
  return checkboxes({
    field: 'channels',
    legend: 'Alerts go to',
    name: 'channel',
    listed: 'channels_listed',
    choices: channels.map((c) => ({
      value: c.id,
      label: html`${c.name} <span class="muted">(${c.kind})</span>`,
      checked: v.channels.includes(c.id),
    })),
    errors,
  });
}

/** Name, slug, description and tags. */
function nameFields(v: CheckFormValues, errors: FieldErrors): Html {
  return html`${field({ name: 'name', label: 'Name', input: input('name', v.name, html`required maxlength="200"`), errors })}
      ${field({
        name: 'slug',
        label: 'Slug',
        input: input('slug', v.slug, html`autocomplete="off" spellcheck="false"`),
        hint: 'for /ping/<ping key>/<slug> URLs: lowercase letters, digits, "-" and "_"; empty for none',
        errors,
      })}
      ${field({
        name: 'desc',
        label: 'Description',
        input: html`<textarea id="desc" name="desc" rows="3">${v.desc}</textarea>`,
        errors,
      })}
      ${field({
        name: 'tags',
        label: 'Tags',
        input: input('tags', v.tags),
        hint: 'separated by spaces',
        errors,
      })}`;
}

/** The choices the form lists: the account's channels, its checks to depend on. */
interface FormLists {
  channels: ApiChannel[];
  checks: CheckChoice[];
  /** The rule of a new check's grace when the field is left empty. */
  grace: GracePolicy;
}

/**
 * A new check's grace when none is given: `cronwatch check add`'s rule (parseSchedule: a
 * share of the period, or of the gap between cron runs, clamped). The form used to send
 * 3600 for every check, a 60 s check included.
 */
export function defaultGrace(i: CheckInput, policy: GracePolicy, now: Date): number | undefined {
  const spec = parseSchedule(
    i.schedule !== undefined
      ? { cron: i.schedule, tz: i.tz ?? CREATE_DEFAULTS.tz }
      : { period: String(i.timeout ?? CREATE_DEFAULTS.timeout) },
    { period: CREATE_DEFAULTS.timeout, grace: policy },
    now,
  );
  return typeof spec === 'string' ? undefined : spec.grace;
}

function graceHint(creating: boolean, g: GracePolicy): string {
  const range = '60 to 31536000';
  if (!creating) return `how late a ping may be before the check is down: ${range}`;
  return (
    `how late a ping may be before the check is down: ${range}. Empty: ${g.percent} % of ` +
    `the period (of the gap between cron runs), from ${g.minSeconds} to ${g.maxSeconds} s`
  );
}

/** `self`: the check being edited, not offered as its own parent. */
async function formLists(deps: FrontDeps, accountId: number, self?: string): Promise<FormLists> {
  const [channels, checks] = await Promise.all([
    listAccountChannels(deps.pool, accountId),
    accountCheckChoices(deps.pool, accountId),
  ]);
  return { channels, checks: checks.filter((c) => c.uuid !== self), grace: deps.config.grace };
}

interface FormPage {
  title: string;
  action: string;
  submit: string;
  cancel: string;
}

function renderForm(
  p: FormPage,
  v: CheckFormValues,
  errors: FieldErrors,
  lists: FormLists,
  s: WebSession,
): string {
  const body = html`<p><a href="${p.cancel}">← back</a></p>
    <h1>${p.title}</h1>
    ${formError(errors)}
    <form
      method="post"
      action="${p.action}"
      class="stack check-form"
      data-describe="/dashboard/describe.json"
      novalidate
    >
      <input type="hidden" name="_csrf" value="${s.csrf}" />
      ${nameFields(v, errors)}
      ${scheduleFields(v, errors)}
      ${field({
        name: 'grace',
        label: 'Grace (seconds)',
        input: input('grace', v.grace, html`inputmode="numeric"`),
        hint: graceHint(p === NEW, lists.grace),
        errors,
      })}
      ${channelsField(v, lists.channels, errors)}
      <div class="field" data-field="manual_resume">
        <label class="choice"
          ><input type="checkbox" name="manual_resume" ${v.manualResume ? 'checked' : ''} /> Stay
          down until resumed by hand (a ping does not bring it back up)</label
        >
        ${errors.manual_resume ? html`<div class="field-error" role="alert">${errors.manual_resume}</div>` : ''}
      </div>
      ${policyFields(v.policy, lists.checks, errors)}
      <div class="buttons"><button type="submit" class="primary">${p.submit}</button></div>
    </form>`;
  return layout(
    { title: p.title, account: s.account, csrf: s.csrf, scripts: ['check-form.js'] },
    body,
  ).text;
}

function sendForm(res: Response, status: number, page: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(page);
}

const NEW: FormPage = {
  title: 'New check',
  action: '/dashboard/checks/new',
  submit: 'Create check',
  cancel: '/dashboard',
};

function editPage(uuid: string): FormPage {
  return {
    title: 'Edit check',
    action: `/dashboard/checks/${uuid}/edit`,
    submit: 'Save',
    cancel: `/dashboard/checks/${uuid}`,
  };
}

export function newCheckPage(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const s = sessionOf(res);
    sendForm(res, 200, renderForm(NEW, BLANK, {}, await formLists(deps, s.accountId), s));
  };
}

export function editCheckPage(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const uuid = pathUuid(req.params.id);
    const [check, lists] = await Promise.all([
      apiCheckByUuid(deps.pool, s.accountId, uuid),
      formLists(deps, s.accountId, uuid),
    ]);
    if (!check) throw new HttpError(404, 'no such check');
    sendForm(res, 200, renderForm(editPage(uuid), valuesOfCheck(check), {}, lists, s));
  };
}

/** Creates (no uuid) or updates the check from the form; the form again with its errors. */
export function saveCheckForm(deps: FrontDeps, mode: 'create' | 'update'): RequestHandler {
  return async (req, res) => {
    const s = sessionOf(res);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const uuid = mode === 'update' ? pathUuid(req.params.id) : undefined;
    const v = formValues(form);
    const page = uuid ? editPage(uuid) : NEW;
    const body = apiBody(
      v,
      formText(form, 'channels_listed') === '1',
      formText(form, 'depends_listed') === '1',
    );
    const lists = () => formLists(deps, s.accountId, uuid);
    const errors = bodyErrors(body);
    if (Object.keys(errors).length)
      return sendForm(res, 400, renderForm(page, v, errors, await lists(), s));
    const parsed = parseCheckInput(body);
    if ('error' in parsed) throw new Error(parsed.error); // each field passed alone above
    if (!uuid && parsed.grace === undefined)
      parsed.grace = defaultGrace(parsed, deps.config.grace, deps.clock());
    let saved: string;
    try {
      saved = await transaction(deps.pool, async (client) => {
        await lockAccount(client, s.accountId);
        const existing = uuid ? await lockPathCheck(client, s.accountId, uuid) : undefined;
        return writeCheck(client, s.accountId, existing, parsed, deps.clock());
      });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status === 404) throw err;
      const errs = errorsOf(err.message, FIELDS);
      return sendForm(res, err.status, renderForm(page, v, errs, await lists(), s));
    }
    res.redirect(303, `/dashboard/checks/${saved}${uuid ? '' : '?created=1'}`);
  };
}

/** GET /dashboard/describe.json?kind=&timeout=&schedule=&tz=: {words} or {error}. */
export function describeJson(): RequestHandler {
  return (req, res) => {
    const q = req.query as Record<string, unknown>;
    const v = { ...BLANK, ...formValues(q), channels: [] };
    res.set('Cache-Control', 'no-store').json(describeSchedule(apiBody(v, false)));
  };
}
