// gocron's `site=1` (COMPAT item 7), which gocron stored and never used: a gateway job
// stands for the link between a site and cronwatch. While it is down, the misses of the
// account's jobs that check in from the same address are one outage, not N alerts.

export interface Job {
  id: number;
  accountId: number;
  address: string | null;
  site: boolean;
}

export interface Gateway {
  id: number;
  accountId: number;
  address: string;
}

function key(accountId: number, address: string): string {
  return `${accountId} ${address}`;
}

/**
 * For the jobs missing now, which are behind a gateway that is down (already, or in this
 * same batch)? Returns job id → gateway id. Gateways themselves are never suppressed.
 */
export function suppressedBehind(missing: Job[], downGateways: Gateway[]): Map<number, number> {
  const gateways = new Map<string, number>();
  for (const g of downGateways) gateways.set(key(g.accountId, g.address), g.id);
  for (const j of missing)
    if (j.site && j.address !== null) gateways.set(key(j.accountId, j.address), j.id);
  const result = new Map<number, number>();
  for (const j of missing) {
    if (j.site || j.address === null) continue;
    const gateway = gateways.get(key(j.accountId, j.address));
    if (gateway !== undefined) result.set(j.id, gateway);
  }
  return result;
}
