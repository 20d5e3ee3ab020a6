// Repeat alerts and acknowledge (issue 16), and the down alert a maintenance window held
// back: what the sweep does when a check's policy_due_at comes. Pure.
import type { AlertThresholds } from './policy-threshold.js';

export interface RepeatState extends AlertThresholds {
  status: string;
  /** Seconds between repeats; null: never (the default). */
  repeatEvery: number | null;
  /** At most this many repeats per outage; null: until recovery or acknowledge. */
  repeatLimit: number | null;
  repeatsSent: number;
  ackedAt: Date | null;
}

export type DueAction =
  | { kind: 'clear' }
  /** Still silenced: look again when the silence ends. */
  | { kind: 'wait'; until: Date }
  /** The down alert a window held back: the check is still down when it ended. */
  | { kind: 'alert' }
  | { kind: 'repeat'; n: number; next: Date | null };

/** When the first repeat of a down alert sent at `at` is due; null for none. */
export function firstRepeatAt(repeatEvery: number | null, at: Date): Date | null {
  return repeatEvery === null ? null : new Date(at.getTime() + repeatEvery * 1000);
}

export function dueAction(s: RepeatState, silencedUntil: Date | null, now: Date): DueAction {
  if (s.status !== 'down') return { kind: 'clear' };
  if (!s.alertedDown) {
    // Owed only when the threshold was reached while silenced.
    if (s.failStreak < s.failureThreshold) return { kind: 'clear' };
    return silencedUntil ? { kind: 'wait', until: silencedUntil } : { kind: 'alert' };
  }
  if (s.ackedAt || s.repeatEvery === null) return { kind: 'clear' };
  if (s.repeatLimit !== null && s.repeatsSent >= s.repeatLimit) return { kind: 'clear' };
  if (silencedUntil) return { kind: 'wait', until: silencedUntil };
  const n = s.repeatsSent + 1;
  const last = s.repeatLimit !== null && n >= s.repeatLimit;
  return { kind: 'repeat', n, next: last ? null : new Date(now.getTime() + s.repeatEvery * 1000) };
}
