// What a check's alert policies make of a ping (issue 16), for domain/ping.ts's applyPing:
// the thresholds decide whether a failure or a recovery alerts, the runtime assertions
// whether a finished run failed. Pure.
import type { RuntimeLimits } from './policy-runtime.js';
import type { AlertThresholds } from './policy-threshold.js';

/**
 * The policy columns of a check, as the ping path reads them. Each is optional: a reader
 * that does not select them gets today's behaviour (threshold 1, no runtime limits, and a
 * down check owes its recovery alert).
 */
export interface PingPolicyFields {
  failureThreshold?: number;
  successThreshold?: number;
  failStreak?: number;
  okStreak?: number;
  /** Stored: down without its alert out (see migrations/0015). */
  downUnalerted?: boolean;
  /** Carried between pings of one batch (domain state); read from the columns otherwise. */
  alertedDown?: boolean;
  minRuntime?: number | null;
  maxRuntime?: number | null;
}

export function thresholdsOf(c: PingPolicyFields & { status: string }): AlertThresholds {
  return {
    failureThreshold: c.failureThreshold ?? 1,
    successThreshold: c.successThreshold ?? 1,
    failStreak: c.failStreak ?? 0,
    okStreak: c.okStreak ?? 0,
    alertedDown: c.alertedDown ?? alertedFromColumns(c),
  };
}

/**
 * A down check owes its recovery alert unless its down alert never went out; an up check
 * owes it while it counts successes towards its success threshold.
 */
function alertedFromColumns(c: PingPolicyFields & { status: string }): boolean {
  if (c.status === 'down') return !(c.downUnalerted ?? false);
  return (c.okStreak ?? 0) > 0;
}

export function limitsOf(c: PingPolicyFields): RuntimeLimits {
  return { minRuntime: c.minRuntime ?? null, maxRuntime: c.maxRuntime ?? null };
}
