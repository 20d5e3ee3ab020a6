// Root runs the embedded PostgreSQL as the unprivileged postgres user, which must be able to
// reach the server's binaries and its cluster directory. With the project in root's home
// directory (mode 700, common on servers and in containers) it could reach neither, and
// `npm start` failed with `spawn …/initdb EACCES`. Then the binaries are run from a copy in
// a place it can reach, and the cluster is kept in one, and the log says where.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Binaries } from './embedded-server.js';

export interface Owner {
  uid: number;
  gid: number;
}

/** Where root keeps what the postgres user must reach when the project's place is closed to it. */
export const SHARED_ROOT = '/var/lib/cronwatch';

/** Whether `owner` can reach `target`: `test -x` run as that user (directories on the way included). */
export function canReach(owner: Owner, target: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', target], {
    uid: owner.uid,
    gid: owner.gid,
    stdio: 'ignore',
  });
  return r.status === 0;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * The binaries themselves when `owner` can run them, else a copy of their package's native
 * directory under `root` (made once per binary version, whole before it is used).
 */
export async function reachableBinaries(
  bin: Binaries,
  owner: Owner | undefined,
  root = SHARED_ROOT,
): Promise<Binaries> {
  if (!owner || canReach(owner, bin.postgres)) return bin;
  const native = path.dirname(path.dirname(bin.postgres));
  const { size, mtimeMs } = await stat(bin.postgres);
  const target = path.join(root, `postgres-${shortHash(`${native}:${size}:${mtimeMs}`)}`);
  const moved = (file: string) => path.join(target, path.relative(native, file));
  if (!existsSync(path.join(target, '.complete'))) {
    await mkdir(root, { recursive: true, mode: 0o755 });
    await chmod(root, 0o755);
    // Copied under a name of its own and renamed into place: two processes starting at once
    // must not run a half-copied server.
    const draft = `${target}.${randomBytes(6).toString('hex')}`;
    try {
      await cp(native, draft, { recursive: true, verbatimSymlinks: true });
      await chmod(draft, 0o755);
      await writeFile(path.join(draft, '.complete'), '');
      await rename(draft, target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST' && err.code !== 'ENOTEMPTY') throw err;
      });
    } catch (err) {
      throw new Error(
        `the postgres user cannot reach ${native} and copying it to ${root} failed (${String(err)}): move the project to a directory other users can enter, or set DATABASE_URL`,
        { cause: err },
      );
    } finally {
      await rm(draft, { recursive: true, force: true });
    }
  }
  return { initdb: moved(bin.initdb), postgres: moved(bin.postgres) };
}

/**
 * The directory that holds the cluster (`<base>/pg`): the data directory itself when `owner`
 * can enter its parent (or a cluster is there already), else a directory of its own under
 * `root`, named after the data directory so that every process finds the same one.
 */
export async function clusterBase(
  dataDir: string,
  owner: Owner | undefined,
  root = SHARED_ROOT,
): Promise<string> {
  const dir = path.resolve(dataDir);
  if (!owner || existsSync(path.join(dir, 'pg', 'PG_VERSION'))) return dir;
  if (canReach(owner, path.dirname(dir))) return dir;
  const base = sharedClusterBase(dir, root);
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chmod(root, 0o755);
  await chmod(path.dirname(base), 0o755);
  return base;
}

/** Where root keeps the cluster of `dataDir` when the postgres user cannot enter it. */
export function sharedClusterBase(dataDir: string, root = SHARED_ROOT): string {
  const dir = path.resolve(dataDir);
  // Named for people (the default `.cronwatch` without its dot) and made unique by the path.
  const name = path.basename(dir).replace(/^\.+/, '') || 'data';
  return path.join(root, 'clusters', `${name}-${shortHash(dir)}`);
}
