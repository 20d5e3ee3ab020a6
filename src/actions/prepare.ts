// A job's flat JSON (API body, or the CLI's options) to the values stored: the common
// fields by the domain, the settings by the action kind, the target by the outbound
// policy. One path for the API and the CLI, so both refuse the same input the same way.
import {
  createError,
  JOB_DEFAULTS,
  parseJobInput,
  type JobInput,
  type JobValues,
} from '../domain/job-input.js';
import type { ActionContext } from './action.js';
import { actionOf, ACTION_KINDS } from './registry.js';

/** An error names its field when it can (the dashboard shows it next to that field). */
export type Prepared = { values: JobValues } | { error: string; field?: string };

function merged(i: JobInput, kind: string, settings: unknown, old?: JobValues): JobValues {
  const keep = <T>(given: T | undefined, was: T | undefined, fallback: T): T =>
    given !== undefined ? given : was !== undefined ? was : fallback;
  return {
    name: i.name ?? old?.name ?? '',
    tags: i.tags ?? old?.tags ?? [],
    schedule: i.schedule ?? old?.schedule ?? { kind: 'every', seconds: 60 },
    start: keep(i.start, old?.start, null),
    end: keep(i.end, old?.end, null),
    kind,
    settings,
    timeoutMs: i.timeoutMs ?? old?.timeoutMs ?? JOB_DEFAULTS.timeoutMs,
    maxAttempts: i.attempts ?? old?.maxAttempts ?? JOB_DEFAULTS.attempts,
    overlap: i.overlap ?? old?.overlap ?? JOB_DEFAULTS.overlap,
    catchUp: i.catchUp ?? old?.catchUp ?? JOB_DEFAULTS.catchUp,
    startingDeadline: keep(i.startingDeadline, old?.startingDeadline, null),
    secret: keep(i.secret, old?.secret, null),
  };
}

/** A new job (no `old`) or a change of `old`; the first error, naming its field. */
export async function prepareJob(
  body: unknown,
  now: Date,
  ctx: ActionContext,
  old?: JobValues,
): Promise<Prepared> {
  const i = parseJobInput(body ?? {}, now);
  if ('error' in i) return i;
  if (!old) {
    const bad = createError(i);
    if (bad) return bad;
  }
  const kind = i.kind ?? old?.kind ?? JOB_DEFAULTS.kind;
  const action = actionOf(kind);
  if (!action)
    return {
      error: `kind ${JSON.stringify(kind)} is not one of ${ACTION_KINDS.join(', ')}`,
      field: 'kind',
    };
  // A change starts from the settings as they are (a new kind starts afresh).
  const before = old && old.kind === kind ? action.show(old.settings as never) : {};
  const r = action.validate({ ...before, ...i.settings });
  if ('error' in r) return r;
  const refused = await action.refusal?.(r.settings, ctx);
  if (refused) return { error: `url is refused: ${refused}`, field: 'url' };
  return { values: merged(i, kind, r.settings, old) };
}
