/**
 * Delay before retry number `attempt` (1 = the first retry): exponential with "equal
 * jitter", so many failed deliveries to one receiver do not all come back at once.
 * `random` is a parameter (0 ≤ r < 1) so tests can pin it.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: number,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}
