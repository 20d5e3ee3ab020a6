// What happens after an attempt (issue 12, run policy): retry on a network error, a
// timeout, a 5xx, 408 or 429, with exponential backoff and full jitter, honouring the
// receiver's Retry-After; any other failure ends the tick at once.
export interface Outcome {
  ok: boolean;
  /** HTTP status of the answer; absent when none came (network error, timeout, refused). */
  status?: number;
  durationMs: number;
  /** The first bytes of the answer. */
  body?: string;
  error?: string;
  /** The network error was a time-out. */
  timeout?: boolean;
  /** The target was refused by the outbound policy: retrying cannot help. */
  refused?: boolean;
  /** Retry-After of the answer, in milliseconds. */
  retryAfterMs?: number;
}

export type FinalState = 'succeeded' | 'failed' | 'dead' | 'missed' | 'skipped' | 'cancelled';
export const FINAL_STATES: readonly FinalState[] = [
  'succeeded',
  'failed',
  'dead',
  'missed',
  'skipped',
  'cancelled',
];

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_ATTEMPTS = 5;
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 3_600_000;

/** Worth another attempt: the same request may well succeed later. */
export function retryable(o: Outcome): boolean {
  if (o.ok || o.refused) return false;
  if (o.status === undefined) return true;
  return o.status >= 500 || o.status === 408 || o.status === 429;
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt-1))); never earlier than Retry-After. */
export function jobRetryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: number,
  retryAfterMs?: number,
): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(cap * random);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxMs));
}

export type AfterAttempt = { final: FinalState } | { retryAt: Date };

/**
 * The tick's fate after attempt number `attempt` ended with `o` at `now`. A success is
 * final; a retryable failure is tried again until the attempts run out, then dead; a 4xx
 * or a refused target is dead at once (a dead letter, redriven by hand); an answer that is
 * no error but not the expected one (a status outside the expected ones, a body not
 * matching the regex) is failed.
 */
export function afterAttempt(
  o: Outcome,
  attempt: number,
  policy: RetryPolicy,
  now: Date,
  random: number,
): AfterAttempt {
  if (o.ok) return { final: 'succeeded' };
  if (retryable(o)) {
    if (attempt >= policy.maxAttempts) return { final: 'dead' };
    const delay = jobRetryDelayMs(attempt, policy, random, o.retryAfterMs);
    return { retryAt: new Date(now.getTime() + delay) };
  }
  if (o.refused || (o.status !== undefined && o.status >= 400)) return { final: 'dead' };
  return { final: 'failed' };
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
