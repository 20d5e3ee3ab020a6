// The benchmarks' database: an embedded PostgreSQL of its own in a temporary directory,
// migrated, and removed again by stop().
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';

export interface BenchDatabase {
  url: string;
  /** The temporary directory (scratch files may go here: stop() removes it all). */
  dir: string;
  stop(): Promise<void>;
}

export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `cronwatch-bench-${name}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    // As root the server runs as the postgres user, which must reach the directory.
    await chmod(dir, 0o755);
    const server = await openEmbedded(dir);
    try {
      await migrate(server.url);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return {
      url: server.url,
      dir,
      async stop() {
        await server.stop();
        await remove();
      },
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
