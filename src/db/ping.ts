// A check-in of any form (DESIGN.md, "one check-in rule for every ping form"): the request
// every ping route builds, and the flip writer every form shares. The forms differ only in
// how they find (or create) the check: src/db/ping-resolve.ts. The state change is
// applyPing (src/domain/ping.ts); the write is the batch writer (src/db/ping-batch.ts).
import type { AlertEvent } from '../domain/alert.js';
import type { Refusal } from '../domain/gocron-trust.js';
import type { PingFlip, PingKind } from '../domain/ping.js';
import { recordChanges, type StatusChange } from './alerts.js';
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

/** A check-in's flip, with what its alert quotes. */
export interface PingFlipRecord {
  check: AlertEvent['check'];
  flip: PingFlip;
  nextDeadline: Date | null;
  /** The check's grace as the check-in left it (a gocron check-in may change it). */
  grace: number;
  // The failure alert quotes the run: without these it said only "reported a failure".
  run: { exitStatus: number | null; output: string | null; duration?: number | null };
}

/** A recovery from down: it alerts and settles its gateway (recordRecovery), on its own. */
export function isRecovery(flip: PingFlip): boolean {
  return flip.to === 'up' && flip.alert;
}

/**
 * Writes check-ins' flips of one instant in the caller's transaction, for every ping form
 * (uuid, slug, gocron, a job's runs), one check each, in one write: a failure with its down
 * alert, or a flip without alerts (new → up, paused → up: not news). A recovery is not one
 * of them: recordRecovery writes it with its up alert and its gateway's release.
 */
export async function recordPingFlips(
  db: Queryable,
  flips: PingFlipRecord[],
  at: Date,
  globalSlack: boolean,
): Promise<void> {
  const changes = flips.map(({ check, flip, nextDeadline, grace, run }): StatusChange => {
    const change: StatusChange = {
      check,
      from: flip.from,
      to: flip.to,
      reason: flip.reason,
      lastPingAt: at,
      expectedAt: flip.to === 'up' ? nextDeadline : null,
      silent: !flip.alert,
      grace,
      // A success ended the streak in the check-in's own counters (applyPing), saved with it.
      ...(flip.to === 'up' ? { failStreak: 0 } : {}),
    };
    return flip.to === 'down' ? { ...change, failure: flip.reason, ...run } : change;
  });
  await recordChanges(db, changes, at, globalSlack);
}
