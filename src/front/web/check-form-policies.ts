// The alert-policy part of the check form (issue 16): thresholds, runtime limits, repeats,
// dependencies and snooze. Like the rest of the form, these become the API's body fields
// (domain/policy-input.ts checks them) so a bad value gets the API's message by its field.
import { POLICY_FIELDS } from '../../domain/policy-input.js';
import { checkboxes, field, formList, formText, type FieldErrors } from './form.js';
import { html, type Html } from './html.js';

export { POLICY_FIELDS };

export interface PolicyFormValues {
  failureThreshold: string;
  successThreshold: string;
  minRuntime: string;
  maxRuntime: string;
  repeatEvery: string;
  repeatLimit: string;
  /** Uuids of the parent checks. */
  dependsOn: string[];
  snoozedUntil: string;
}

export const BLANK_POLICY: PolicyFormValues = {
  failureThreshold: '1',
  successThreshold: '1',
  minRuntime: '',
  maxRuntime: '',
  repeatEvery: '',
  repeatLimit: '',
  dependsOn: [],
  snoozedUntil: '',
};

export interface CheckChoice {
  uuid: string;
  name: string;
}

export function policyFormValues(body: Record<string, unknown>): PolicyFormValues {
  const t = (name: string) => formText(body, name) ?? '';
  return {
    failureThreshold: t('failure_threshold'),
    successThreshold: t('success_threshold'),
    minRuntime: t('min_runtime'),
    maxRuntime: t('max_runtime'),
    repeatEvery: t('repeat_every'),
    repeatLimit: t('repeat_limit'),
    dependsOn: formList(body, 'depends'),
    snoozedUntil: t('snoozed_until'),
  };
}

/** A number as a number, anything else as typed (the API's message names it); "" is `empty`. */
function num(text: string, empty: number | null): unknown {
  const t = text.trim();
  if (t === '') return empty;
  return /^\d{1,12}(\.\d{1,6})?$/.test(t) ? Number(t) : t;
}

/**
 * The policy fields of the API body. An empty limit is null (none), an empty threshold 1
 * (the default: the first failure alerts). `withParents`: the form listed the checks.
 */
export function policyBody(v: PolicyFormValues, withParents: boolean): Record<string, unknown> {
  const snooze = v.snoozedUntil.trim();
  const body: Record<string, unknown> = {
    failure_threshold: num(v.failureThreshold, 1),
    success_threshold: num(v.successThreshold, 1),
    min_runtime: num(v.minRuntime, null),
    max_runtime: num(v.maxRuntime, null),
    repeat_every: num(v.repeatEvery, null),
    repeat_limit: num(v.repeatLimit, null),
    snoozed_until: snooze === '' ? null : snooze,
  };
  if (withParents) body.depends_on = v.dependsOn;
  return body;
}

/** The form's values from a check's JSON policies (db/policy-settings.ts POLICY_JSON). */
export function policyValuesOf(p: Record<string, unknown> | undefined): PolicyFormValues {
  if (!p) return BLANK_POLICY;
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const snooze = typeof p.snoozed_until === 'string' ? new Date(p.snoozed_until) : null;
  return {
    failureThreshold: s(p.failure_threshold),
    successThreshold: s(p.success_threshold),
    minRuntime: s(p.min_runtime),
    maxRuntime: s(p.max_runtime),
    repeatEvery: s(p.repeat_every),
    repeatLimit: s(p.repeat_limit),
    dependsOn: Array.isArray(p.depends_on) ? p.depends_on.map(String) : [],
    snoozedUntil: snooze ? snooze.toISOString().replace('.000Z', 'Z') : '',
  };
}

function text(name: string, label: string, value: string, hint: string, errors: FieldErrors): Html {
  return field({
    name,
    label,
    input: html`<input id="${name}" name="${name}" value="${value}" autocomplete="off" />`,
    hint,
    errors,
  });
}

function parentsField(v: PolicyFormValues, checks: CheckChoice[], errors: FieldErrors): Html {
  return checkboxes({
    field: 'depends_on',
    legend: 'Depends on',
    name: 'depends',
    listed: 'depends_listed',
    choices: checks.map((c) => ({
      value: c.uuid,
      label: html`${c.name}`,
      checked: v.dependsOn.includes(c.uuid),
    })),
    errors,
    empty: html`<p class="muted">No other checks.</p>`,
    hint: "while one of these is down, this check's misses go into its alert",
  });
}

/** The "Alert policies" fieldset; `checks`: the account's other checks (for depends_on). */
export function policyFields(
  v: PolicyFormValues,
  checks: CheckChoice[],
  errors: FieldErrors,
): Html {
  return html`<fieldset class="policies">
    <legend>Alert policies</legend>
    ${text('failure_threshold', 'Failure threshold', v.failureThreshold, 'down only after this many failures or misses in a row (1 to 1000)', errors)}
    ${text('success_threshold', 'Success threshold', v.successThreshold, 'up again only after this many successes in a row (1 to 1000)', errors)}
    ${text('min_runtime', 'Minimum runtime (seconds)', v.minRuntime, 'a run that finishes faster alerts "finished too fast"; empty for none', errors)}
    ${text('max_runtime', 'Maximum runtime (seconds)', v.maxRuntime, 'a run still going after this alerts "running too long"; empty for none', errors)}
    ${text('repeat_every', 'Repeat alert every (seconds)', v.repeatEvery, 'while down, alert again this often (60 or more); empty for never', errors)}
    ${text('repeat_limit', 'Repeat at most', v.repeatLimit, 'repeats per outage; empty for no limit', errors)}
    ${parentsField(v, checks, errors)}
    ${text('snoozed_until', 'Snooze until', v.snoozedUntil, 'no down alerts until then, such as 2026-05-01T06:00:00Z; empty for no snooze', errors)}
  </fieldset>`;
}
