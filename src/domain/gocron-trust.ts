// Who may do what with a gocron check-in (issue 15, README "Who can change what"). A gocron
// check-in carries no credential, so on its own it may only create and update the checks
// that gocron check-ins made; an account can require its ping key on check-ins, or refuse
// them. Pure: the account as stored and the request in, a refusal or the effect out.
import { hashKey, keyMatches } from './api-key.js';

export const GOCRON_MODES = ['open', 'key', 'off'] as const;
export type GocronMode = (typeof GOCRON_MODES)[number];

export function isGocronMode(value: string): value is GocronMode {
  return (GOCRON_MODES as readonly string[]).includes(value);
}

export interface CheckinAccount {
  mode: GocronMode;
  /** The account's ping key, in clear (it is in every slug URL); null until one is made. */
  pingKey: string | null;
}

export type Refusal = {
  reason: 'no account' | 'off' | 'key missing' | 'key wrong';
  message: string;
};

/**
 * Why this check-in of account `name` must be refused, or undefined when it may go on.
 * `account` undefined: no such account, which the check-in creates only when
 * `createAccounts` (GOCRON_CREATE_ACCOUNTS) allows it.
 */
export function checkinRefusal(
  accountName: string,
  account: CheckinAccount | undefined,
  key: string | undefined,
  createAccounts: boolean,
): Refusal | undefined {
  const name = JSON.stringify(accountName);
  if (!account)
    return createAccounts ? undefined : { reason: 'no account', message: `no account ${name}` };
  if (account.mode === 'off')
    return { reason: 'off', message: `gocron check-ins are turned off for account ${name}` };
  if (account.mode === 'open') return undefined;
  if (key === undefined)
    return {
      reason: 'key missing',
      message: `account ${name} requires its ping key: add key=<ping key> to the check-in`,
    };
  // Compared as SHA-256 digests with timingSafeEqual: the time taken does not tell an
  // attacker how many leading characters of a guess were right.
  if (account.pingKey === null || !keyMatches(key, hashKey(account.pingKey)))
    return { reason: 'key wrong', message: `key is not the ping key of account ${name}` };
  return undefined;
}

/**
 * What a check-in that may go on does to the check it names: create it (none yet), upsert
 * its settings (a check made by gocron check-ins), or only record a success ping (any other
 * check: one made by the API, the CLI or a slug ping is not the check-in's to change).
 */
export function checkinEffect(
  check: { gocronOrigin: boolean } | undefined,
): 'create' | 'upsert' | 'ping' {
  if (!check) return 'create';
  return check.gocronOrigin ? 'upsert' : 'ping';
}
