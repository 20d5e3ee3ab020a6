import { openDatabase } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { configOrExit } from './runtime.js';

/** `cronwatch migrate`: applies pending migrations; exits non-zero on any failure. */
export async function migrateCommand(): Promise<void> {
  const config = configOrExit();
  const database = await openDatabase(config);
  try {
    const applied = await migrate(database.url);
    process.stdout.write(
      applied.length ? `applied ${applied.join(', ')}\n` : 'database schema is up to date\n',
    );
  } finally {
    await database.stop();
  }
}
