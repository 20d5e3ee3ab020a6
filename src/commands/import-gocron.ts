import { redact } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { importCheck, readGocronTable, type ImportOutcome } from '../db/gocron-import.js';
import { createPool, transaction } from '../db/pool.js';
import { planImport } from '../domain/gocron-import.js';
import { configOrExit } from './runtime.js';

/**
 * `cronwatch import-gocron <postgres-url>` (COMPAT 17): copies gocron's jobs with their last
 * check-in and alert state, in one transaction, idempotently; prints what it did.
 */
export async function importGocronCommand(sourceUrl: string): Promise<void> {
  const config = configOrExit();
  let rows;
  try {
    rows = await readGocronTable(sourceUrl);
  } catch (err) {
    throw new Error(
      `cannot read the gocron table at ${redact(sourceUrl)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const database = await openDatabase(config);
  // The first thing a user moving from gocron runs may meet a fresh database.
  await migrate(database.url).catch(async (err: unknown) => {
    await database.stop();
    throw err;
  });
  const pool = createPool(database.url, 2, () => undefined);
  try {
    const counts: Record<ImportOutcome | 'skipped', number> = {
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    };
    const skipped: string[] = [];
    const now = new Date();
    await transaction(pool, async (client) => {
      for (const row of rows) {
        const plan = planImport(row, config.grace);
        if ('skip' in plan) {
          counts.skipped++;
          skipped.push(plan.skip);
          continue;
        }
        counts[await importCheck(client, plan, now)]++;
      }
    });
    for (const reason of skipped) process.stderr.write(`skipped ${reason}\n`);
    process.stdout.write(
      `imported ${rows.length} gocron jobs: ${counts.created} created, ${counts.updated} updated, ` +
        `${counts.unchanged} unchanged, ${counts.skipped} skipped\n`,
    );
  } finally {
    await pool.end();
    await database.stop();
  }
}
