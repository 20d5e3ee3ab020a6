/** How a check's grace follows from its period (GRACE_PERCENT, GRACE_MIN/MAX_SECONDS). */
export interface GracePolicy {
  /** Grace as a percentage of the frequency (COMPAT item 10). */
  percent: number;
  minSeconds: number;
  maxSeconds: number;
}

export const MAX_PERIOD_SECONDS = 31_536_000; // one year

/** COMPAT item 10: gocron had no grace, cronwatch adds a share of the frequency, clamped. */
export function graceFor(periodSeconds: number, policy: GracePolicy): number {
  const share = Math.round((periodSeconds * policy.percent) / 100);
  return Math.min(policy.maxSeconds, Math.max(policy.minSeconds, share));
}

/** The moment a check that pinged at `now` becomes missed (invariant 2: stored, not rescanned). */
export function nextDeadline(now: Date, periodSeconds: number, graceSeconds: number): Date {
  return new Date(now.getTime() + (periodSeconds + graceSeconds) * 1000);
}
