import { redact } from '../config.js';
import { importCheck, readGocronTable, type ImportOutcome } from '../db/gocron-import.js';
import { transaction } from '../db/pool.js';
import { planImport } from '../domain/gocron-import.js';
import { configOrExit, UsageError, withPool } from './runtime.js';

/** The argument must be a postgres:// URL: pg reads anything else as a host name. */
function sourceUrlOrUsage(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // not a URL at all
  }
  if (url?.protocol !== 'postgres:' && url?.protocol !== 'postgresql:')
    throw new UsageError(
      `${JSON.stringify(redact(raw))} is not a PostgreSQL URL: give gocron's database as ` +
        'postgres://user:password@host:5432/database',
    );
  return raw;
}

/**
 * `cronwatch import-gocron <postgres-url>` (COMPAT 17): copies gocron's jobs with their last
 * check-in and alert state, in one transaction, idempotently; prints what it did.
 */
export async function importGocronCommand(sourceUrl: string): Promise<void> {
  const source = sourceUrlOrUsage(sourceUrl);
  const config = configOrExit();
  let rows;
  try {
    rows = await readGocronTable(source);
  } catch (err) {
    throw new Error(
      `cannot read the gocron table at ${redact(source)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  // The first thing a user moving from gocron runs may meet a fresh database: it migrates.
  await withPool(
    async (pool) => {
      const counts: Record<ImportOutcome | 'skipped', number> = {
        created: 0,
        updated: 0,
        unchanged: 0,
        skipped: 0,
      };
      const notes: string[] = [];
      let emailsDropped = 0;
      const now = new Date();
      await transaction(pool, async (client) => {
        for (const row of rows) {
          const plan = planImport(row, config.grace);
          if ('skip' in plan) {
            counts.skipped++;
            notes.push(`skipped ${plan.skip}`);
            continue;
          }
          // planImport drops an invalid address and keeps the job: say so, and count it.
          if (row.email?.trim() && plan.email === null) {
            emailsDropped++;
            notes.push(
              `${plan.account}/${plan.name}: email ${JSON.stringify(row.email)} is not valid: the job has no email`,
            );
          }
          counts[await importCheck(client, plan, now)]++;
        }
      });
      for (const note of notes) process.stderr.write(`${note}\n`);
      process.stdout.write(
        `imported ${rows.length} gocron jobs: ${counts.created} created, ${counts.updated} updated, ` +
          `${counts.unchanged} unchanged, ${counts.skipped} skipped; ` +
          `${emailsDropped} invalid email${emailsDropped === 1 ? '' : 's'} dropped\n`,
      );
    },
    { migrate: true },
  );
}
