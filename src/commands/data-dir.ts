// Whether a data directory holds an embedded database, and which data directories the
// embedded servers running on this machine use: a command pointed at the wrong directory
// (another CRONWATCH_DATA_DIR or working directory than the service's) says where to look
// instead of creating a second, empty 47 MB cluster there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedClusterBase } from '../db/embedded-reach.js';
import { pgdata } from '../db/embedded-server.js';

/** True when `dataDir` holds an initialised embedded cluster (or root keeps it elsewhere). */
export function hasEmbeddedCluster(dataDir: string): boolean {
  return [dataDir, sharedClusterBase(dataDir)].some((base) =>
    existsSync(path.join(pgdata(base), 'PG_VERSION')),
  );
}

/**
 * The data directories of the embedded PostgreSQL servers running now, read from their
 * command lines (`postgres -D <dataDir>/pg`, world-readable under /proc). Empty where there
 * is no /proc.
 */
export function runningDataDirs(): string[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const dirs = new Set<string>();
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (path.basename(argv[0] ?? '') !== 'postgres') continue;
    const data = argv[argv.indexOf('-D') + 1];
    if (argv.includes('-D') && data) {
      const dataDir = path.dirname(data);
      if (pgdata(dataDir) === data) dirs.add(dataDir);
    }
  }
  return [...dirs].sort();
}
