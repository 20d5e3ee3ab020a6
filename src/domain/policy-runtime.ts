// Runtime assertions (issue 16): `min_runtime` (a run that finishes faster failed: "finished
// too fast", such as a backup that copied nothing) and `max_runtime` (a started run not
// finished by then is "running too long": the sweep alerts at start + max_runtime, without
// waiting for the schedule). Durations in seconds, uncapped (a run may take days). Pure.
import { duration as human } from './summary.js';

export interface RuntimeLimits {
  minRuntime: number | null;
  maxRuntime: number | null;
}

export const TOO_FAST = 'finished too fast';
export const TOO_LONG = 'running too long';

/** Why a finished run of `seconds` fails its check's assertions, if it does. */
export function runtimeFailure(seconds: number | null, l: RuntimeLimits): string | undefined {
  if (seconds === null) return undefined;
  if (l.minRuntime !== null && seconds < l.minRuntime)
    return `${TOO_FAST}: ran ${exact(seconds)}, min_runtime ${exact(l.minRuntime)}`;
  if (l.maxRuntime !== null && seconds > l.maxRuntime)
    return `${TOO_LONG}: ran ${exact(seconds)}, max_runtime ${exact(l.maxRuntime)}`;
  return undefined;
}

/**
 * When a run started at `now` is overdue: its max_runtime when set, else the grace (as
 * before: a started run must finish within the grace).
 */
export function runDeadline(now: Date, graceSeconds: number, l: RuntimeLimits): Date {
  return new Date(now.getTime() + (l.maxRuntime ?? graceSeconds) * 1000);
}

/** The sweep's reason for a started run past its max_runtime, if that is why it is due. */
export function runningTooLong(
  startedAt: Date | null,
  l: RuntimeLimits,
  now: Date,
): string | undefined {
  if (!startedAt || l.maxRuntime === null) return undefined;
  const ran = (now.getTime() - startedAt.getTime()) / 1000;
  if (ran < l.maxRuntime) return undefined;
  return `${TOO_LONG}: started ${startedAt.toISOString()}, max_runtime ${exact(l.maxRuntime)}`;
}

function exact(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds * 10) / 10} s` : human(seconds);
}
