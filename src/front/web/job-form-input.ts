// The job form's fields (strings, as a browser posts them) to the flat JSON the API takes,
// and a stored job back to the form's fields. Only the shape changes here: every value is
// checked by prepareJob, the API's validation (src/actions/prepare.ts), never a second copy.
import type { SettingField } from '../../actions/action.js';
import { actionOf, ACTION_KINDS } from '../../actions/registry.js';
import type { JobView } from '../../db/jobs.js';

/** The posted form: one string per field, a list for the channels' checkboxes. */
export type FormState = Record<string, string | string[] | undefined>;

export const SCHEDULE_KINDS = ['cron', 'every', 'at', 'after'] as const;

export function one(f: FormState, name: string): string {
  const v = f[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '';
}

export function list(f: FormState, name: string): string[] {
  const v = f[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A whole number when it reads as one; else the text, for the validator to name. */
function num(v: string): number | string {
  return /^\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v;
}

/** The form name of a kind's setting: kinds may share a setting's name (url). */
export function settingInput(kind: string, name: string): string {
  return `${kind}.${name}`;
}

type Converted = { value: unknown } | { error: string };

function settingValue(field: SettingField, text: string): Converted {
  if (text.trim() === '') return { value: undefined };
  if (field.type === 'numbers')
    return {
      value: text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(num),
    };
  if (field.type !== 'lines') return { value: text };
  const out: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `${field.name} line ${i + 1} is not "Name: value"` };
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { value: out };
}

/** The kind's settings from the form, or the error of the field that could not be read. */
function settings(
  f: FormState,
  kind: string,
): { settings: Record<string, unknown> } | { error: string; field: string } {
  const fields = actionOf(kind)?.fields;
  if (!fields) {
    const text = one(f, settingInput(kind, 'json')).trim();
    if (text === '') return { settings: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return { field: 'json', error: `settings are not JSON: ${(err as Error).message}` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { field: 'json', error: 'settings must be a JSON object' };
    return { settings: parsed as Record<string, unknown> };
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const c = settingValue(field, one(f, settingInput(kind, field.name)));
    if ('error' in c) return { field: field.name, error: c.error };
    out[field.name] = c.value;
  }
  return { settings: out };
}

export interface FormBody {
  /** The API's flat JSON. */
  body: Record<string, unknown>;
  kind: string;
  /** A field the form could not even read (a header line without a colon). */
  error?: { field: string; error: string };
}

/**
 * The API body of the form. `editing`: an empty start, end or starting deadline clears it
 * (on a new job, empty is the default anyway); an empty secret keeps the one set.
 */
export function formBody(f: FormState, editing: boolean): FormBody {
  const kind = one(f, 'kind') || 'http';
  const body: Record<string, unknown> = { name: one(f, 'name'), tags: one(f, 'tags'), kind };
  const sk = one(f, 'schedule_kind');
  if (sk === 'cron') {
    body.schedule = one(f, 'schedule');
    if (one(f, 'tz').trim() !== '') body.tz = one(f, 'tz').trim();
  } else if (sk === 'at') body.at = one(f, 'at').trim();
  else if (sk === 'after' || sk === 'every') body[sk] = num(one(f, sk));
  for (const name of ['start', 'end', 'starting_deadline']) {
    const v = one(f, name).trim();
    if (v !== '') body[name] = name === 'starting_deadline' ? num(v) : v;
    else if (editing && sk !== 'at' && sk !== 'after') body[name] = null;
  }
  for (const name of ['timeout', 'attempts'])
    if (one(f, name) !== '') body[name] = num(one(f, name));
  for (const name of ['overlap', 'catch_up', 'secret'])
    if (one(f, name) !== '') body[name] = one(f, name);
  if (one(f, 'remove_secret') === '1') body.secret = null;
  const s = settings(f, kind);
  if ('error' in s)
    return { body, kind, error: { field: settingInput(kind, s.field), error: s.error } };
  return { body: { ...body, ...s.settings }, kind };
}

/** The form's name for the field a validation error names. */
export function inputOf(field: string, kind: string): string {
  const common = [
    'name',
    'tags',
    'kind',
    'schedule',
    'tz',
    'every',
    'at',
    'after',
    'start',
    'end',
    'timeout',
    'attempts',
    'overlap',
    'catch_up',
    'starting_deadline',
    'secret',
    'channels',
  ];
  return common.includes(field) ? field : settingInput(kind, field);
}

function settingText(field: SettingField, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (field.type === 'numbers' && Array.isArray(v)) return v.join(', ');
  if (field.type === 'lines' && typeof v === 'object')
    return Object.entries(v as Record<string, string>)
      .map(([k, x]) => `${k}: ${x}`)
      .join('\n');
  return String(v);
}

/** The form of a new job: the API's defaults. */
export function newJobForm(channels: string[]): FormState {
  return {
    schedule_kind: 'every',
    every: '300',
    tz: 'UTC',
    kind: ACTION_KINDS[0],
    timeout: '30',
    attempts: '5',
    overlap: 'skip',
    catch_up: 'latest',
    channels,
  };
}

/** The form of a stored job. */
export function jobForm(j: JobView, channels: string[]): FormState {
  const f: FormState = {
    name: j.name,
    tags: j.tags.join(' '),
    kind: j.kind,
    schedule_kind: j.scheduleKind === 'once' ? 'at' : j.scheduleKind,
    schedule: j.cron ?? '',
    tz: j.tz,
    every: j.everySeconds === null ? '' : String(j.everySeconds),
    at: j.runAt?.toISOString() ?? '',
    start: j.startsAt?.toISOString() ?? '',
    end: j.endsAt?.toISOString() ?? '',
    timeout: String(j.timeoutMs / 1000),
    attempts: String(j.maxAttempts),
    overlap: j.overlap,
    catch_up: j.catchUp,
    starting_deadline: j.startingDeadline === null ? '' : String(j.startingDeadline),
    channels,
  };
  const action = actionOf(j.kind);
  if (!action) return f;
  const shown = action.show(j.settings as never);
  if (!action.fields) f[settingInput(j.kind, 'json')] = JSON.stringify(shown, null, 2);
  for (const field of action.fields ?? [])
    f[settingInput(j.kind, field.name)] = settingText(field, shown[field.name]);
  return f;
}
