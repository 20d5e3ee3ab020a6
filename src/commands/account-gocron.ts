// `cronwatch account gocron <account> [open|key|off]`: shows or sets whether the account
// takes gocron check-ins without a key (open, gocron's way), only with its ping key, or not
// at all (README "Who can change what with a check-in").
import { randomBytes } from 'node:crypto';
import { gocronAccountOf, setGocronMode } from '../db/accounts-gocron.js';
import { GOCRON_MODES, isGocronMode, type CheckinAccount } from '../domain/gocron-trust.js';
import { UsageError, withPool } from './runtime.js';

const MEANING: Record<CheckinAccount['mode'], string> = {
  open: 'gocron check-ins need no key (as gocron)',
  key: 'gocron check-ins must carry the account\'s ping key: add &key=<ping key> (JSON: "key")',
  off: 'gocron check-ins are refused',
};

export async function accountGocronCommand(
  account: string,
  mode: string | undefined,
  o: { json?: boolean },
): Promise<void> {
  if (mode !== undefined && !isGocronMode(mode))
    throw new UsageError(
      `mode must be one of ${GOCRON_MODES.join(', ')} (got ${JSON.stringify(mode)})`,
    );
  await withPool(async (pool) => {
    const stored =
      mode === undefined
        ? await gocronAccountOf(pool, account)
        : await setGocronMode(pool, account, mode, randomBytes(16).toString('base64url'));
    if (!stored) throw new UsageError(`no account ${JSON.stringify(account)}`);
    // The key is printed only in key mode, where whoever edits the crontab lines needs it.
    const key = stored.mode === 'key' ? stored.pingKey : null;
    if (o.json) {
      process.stdout.write(
        JSON.stringify({
          account,
          gocron_checkins: stored.mode,
          ...(key ? { ping_key: key } : {}),
        }) + '\n',
      );
      return;
    }
    process.stdout.write(
      `${account}: gocron check-ins ${stored.mode}: ${MEANING[stored.mode]}\n` +
        (key ? `  ping key: ${key}\n` : ''),
    );
  });
}
