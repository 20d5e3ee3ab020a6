// Failure and success thresholds (issue 16). The check's status and its flips follow every
// ping and every miss, so uptime stays honest; only the alerts wait: a down alert after
// `failureThreshold` consecutive misses or failures, the recovery alert after
// `successThreshold` consecutive successes. Pure.

export interface Streaks {
  failStreak: number;
  okStreak: number;
  /** The last alert sent was a down alert: a recovery alert is owed. */
  alertedDown: boolean;
}

export interface AlertThresholds extends Streaks {
  failureThreshold: number;
  successThreshold: number;
}

export interface Verdict {
  streaks: Streaks;
  /** An alert is due now (it may still be held back by maintenance or a down parent). */
  alert?: 'down' | 'up';
}

/**
 * A miss or a failure. Counted only while no down alert stands: inside an alerted outage a
 * failure is not news. The streak is not reset at the alert here: a down alert held back
 * by a maintenance window is still owed when the window ends (src/db/policy-state.ts
 * resets the streaks once an alert is really written).
 */
export function countFailure(t: AlertThresholds): Verdict {
  if (t.alertedDown) return { streaks: { failStreak: 0, okStreak: 0, alertedDown: true } };
  const failStreak = t.failStreak + 1;
  if (failStreak < t.failureThreshold)
    return { streaks: { failStreak, okStreak: 0, alertedDown: false } };
  return { streaks: { failStreak, okStreak: 0, alertedDown: true }, alert: 'down' };
}

/** A success. Counted only while a down alert stands: a check that only succeeds writes nothing. */
export function countSuccess(t: AlertThresholds): Verdict {
  if (!t.alertedDown) return { streaks: { failStreak: 0, okStreak: 0, alertedDown: false } };
  const okStreak = t.okStreak + 1;
  if (okStreak < t.successThreshold)
    return { streaks: { failStreak: 0, okStreak, alertedDown: true } };
  return { streaks: { failStreak: 0, okStreak, alertedDown: false }, alert: 'up' };
}

export function streaksChanged(a: Streaks, b: Streaks): boolean {
  return (
    a.failStreak !== b.failStreak || a.okStreak !== b.okStreak || a.alertedDown !== b.alertedDown
  );
}
