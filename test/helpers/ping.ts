import type { PingRequest, Target } from '../../src/db/ping.js';

/** A check-in as the ping routes build it: a plain success GET unless `extra` says more. */
export function pingRequest(target: Target, now: Date, extra: Partial<PingRequest> = {}) {
  return {
    target,
    kind: 'success',
    exitStatus: null,
    rid: null,
    now,
    address: '10.0.0.1',
    method: 'GET',
    userAgent: null,
    body: null,
    bodySize: null,
    globalSlack: false,
    ...extra,
  } satisfies PingRequest;
}
