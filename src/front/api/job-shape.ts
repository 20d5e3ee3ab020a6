// The JSON of a job and of its runs in /api/v3/jobs/ answers: flat, as the requests are.
import { actionOf } from '../../actions/registry.js';
import { shownStatus, type JobView } from '../../db/jobs.js';
import type { RunRow } from '../../db/ticks.js';

export function jobJson(j: JobView): Record<string, unknown> {
  const action = actionOf(j.kind);
  return {
    uuid: j.uuid,
    name: j.name,
    tags: j.tags,
    kind: j.kind,
    status: shownStatus(j),
    schedule: j.scheduleKind === 'cron' ? j.cron : null,
    tz: j.scheduleKind === 'cron' ? j.tz : null,
    every: j.everySeconds,
    at: j.runAt?.toISOString() ?? null,
    start: j.startsAt?.toISOString() ?? null,
    end: j.endsAt?.toISOString() ?? null,
    next_run: j.nextRun?.toISOString() ?? null,
    check: j.checkUuid,
    timeout: j.timeoutMs / 1000,
    attempts: j.maxAttempts,
    overlap: j.overlap,
    catch_up: j.catchUp,
    starting_deadline: j.startingDeadline,
    // The secret itself is never shown again.
    signed: j.secret !== null,
    ...(action ? action.show(j.settings as never) : {}),
    created: j.createdAt.toISOString(),
    updated: j.updatedAt.toISOString(),
  };
}

export function runJson(r: RunRow): Record<string, unknown> {
  return {
    run_id: r.runId,
    scheduled_for: r.scheduledFor.toISOString(),
    state: r.state,
    attempts: r.attempts,
    manual: r.manual,
    started: r.firstStartedAt?.toISOString() ?? null,
    finished: r.finishedAt?.toISOString() ?? null,
    // Pending after a failed attempt: when the next attempt is due.
    next_attempt: r.state === 'pending' && r.attempts > 0 ? r.dueAt.toISOString() : null,
    outcome: r.outcome,
  };
}
