// The pings a job's attempts write on its check (issue 12, semantics item 6), through the
// one check-in path (the ping batch): a start per attempt, a success or fail per final state.
import type { FinalState, Outcome } from '../domain/job-retry.js';
import type { PingKind } from '../domain/ping.js';
import type { UuidPing } from '../db/ping-batch.js';
import type { BackDeps } from './deps.js';

const PING_BODY_BYTES = 10_240;

export function jobPing(
  deps: BackDeps,
  checkUuid: string,
  kind: PingKind,
  runId: string,
  now: Date,
  body: string | null,
): UuidPing {
  return {
    target: { uuid: checkUuid },
    kind,
    exitStatus: null,
    rid: runId,
    now,
    address: null,
    method: 'JOB',
    userAgent: 'cronwatch',
    body: body === null ? null : body.slice(0, PING_BODY_BYTES),
    bodySize: body === null ? null : Buffer.byteLength(body),
    globalSlack: Boolean(deps.config.slack),
  };
}

/**
 * The end of a run: success or fail, with its status or error and the body excerpt. The
 * ends recorded together share `now`: their flips (a job's first runs) are one write.
 */
export function finishPing(
  deps: BackDeps,
  checkUuid: string,
  runId: string,
  state: FinalState,
  o: Outcome,
  now: Date,
): UuidPing {
  const summary = o.status !== undefined ? `status ${o.status}` : (o.error ?? state);
  const body = `${state}: ${summary}${o.body ? `\n${o.body}` : ''}`;
  const kind = state === 'succeeded' ? 'success' : 'fail';
  return jobPing(deps, checkUuid, kind, runId, now, body);
}
