// A check-in of any form (DESIGN.md, "one check-in rule for every ping form"): the request
// every ping route builds, and the flip writer every form shares. The forms differ only in
// how they find (or create) the check: src/db/ping-resolve.ts. The state change is
// applyPing (src/domain/ping.ts); the write is the batch writer (src/db/ping-batch.ts).
import type { AlertEvent } from '../domain/alert.js';
import type { Refusal } from '../domain/gocron-trust.js';
import type { PingFlip, PingKind } from '../domain/ping.js';
import { recordChanges, recordRecovery } from './alerts.js';
import type { Queryable } from './pool.js';

/** A gocron check-in's check: (account, cronname), with the settings it upserts. */
export interface GocronTarget {
  account: string;
  name: string;
  email: string;
  period: number;
  grace: number;
  site: boolean;
  /** The `key` the check-in carried, for accounts in `key` mode. */
  key: string | undefined;
  /** GOCRON_CREATE_ACCOUNTS: whether a check-in of an unknown account creates it. */
  createAccounts: boolean;
}

export type Target =
  | { uuid: string }
  | { pingKey: string; slug: string; create: boolean; createLimit: number }
  | { gocron: GocronTarget };

export interface PingRequest {
  target: Target;
  kind: PingKind;
  exitStatus: number | null;
  rid: string | null;
  now: Date;
  address: string | null;
  method: string;
  userAgent: string | null;
  body: string | null;
  bodySize: number | null;
  globalSlack: boolean;
}

export type PingResult =
  'ok' | 'created' | 'not found' | 'ambiguous' | 'limit' | 'name taken' | { refused: Refusal };

/**
 * Writes a check-in's flip in the caller's transaction, for every ping form (uuid, slug,
 * batch, gocron): a recovery with its up alert (and the gateway's release), a failure with
 * its down alert, or a flip without alerts (new → up, paused → up: not news).
 */
export async function recordPingFlip(
  db: Queryable,
  check: AlertEvent['check'],
  flip: PingFlip,
  at: Date,
  nextDeadline: Date | null,
  globalSlack: boolean,
  // The failure alert quotes the run: without these it said only "reported a failure".
  run: { exitStatus: number | null; output: string | null; duration?: number | null } = {
    exitStatus: null,
    output: null,
  },
): Promise<void> {
  if (flip.to === 'up' && flip.alert) {
    await recordRecovery(db, check, at, nextDeadline, globalSlack);
    return;
  }
  const change = {
    check,
    from: flip.from,
    to: flip.to,
    reason: flip.reason,
    lastPingAt: at,
    expectedAt: flip.to === 'up' ? nextDeadline : null,
    silent: !flip.alert,
  };
  await recordChanges(
    db,
    [flip.to === 'down' ? { ...change, failure: flip.reason, ...run } : change],
    at,
    globalSlack,
  );
}
