// The one place an email check-in meets the ping write path: the same request and the same
// entry point as /ping/<uuid> (src/front/ping.ts), so the check-in rule (applyPing, flips,
// alerts) is the one every ping form shares. Kept thin on purpose: when the write path
// changes, only this adapter follows it.
import type { PingResult } from '../db/ping.js';
import type { PingKind } from '../domain/ping.js';
import type { FrontDeps } from './deps.js';
import { storedBody } from './ping.js';
import { submitPing } from './submit-ping.js';

export interface EmailPing {
  uuid: string;
  kind: PingKind;
  /** What is stored as the ping's body: the subject and the text of the mail. */
  body: string;
  /** The SMTP client's address. */
  address: string | null;
  /** The envelope sender, shown as the ping's user agent ("email from …"). */
  from: string;
}

export async function recordEmailPing(deps: FrontDeps, p: EmailPing): Promise<PingResult> {
  const limit = deps.config.pings.bodyLimitBytes;
  const request = {
    target: { uuid: p.uuid },
    kind: p.kind,
    exitStatus: null,
    rid: null,
    now: deps.clock(),
    address: p.address,
    method: 'EMAIL',
    userAgent: `email from ${p.from || '<>'}`.slice(0, 500),
    // The one rule for a stored body (a NUL, which text columns cannot hold, becomes U+FFFD;
    // cut on a character boundary): this adapter's own cut kept the NUL, and the insert failed.
    body: storedBody(Buffer.from(p.body, 'utf8'), false, limit),
    bodySize: Buffer.byteLength(p.body),
    globalSlack: deps.config.slack !== undefined,
  };
  return submitPing(deps, request);
}
