// `npm test`: one PostgreSQL for the whole run (the embedded one, or DATABASE_URL when set),
// a template database migrated once, then every test file under node:test. Each file clones
// the template (CREATE DATABASE … TEMPLATE …, milliseconds) so files never share rows.
// Usage: npm test [-- file.test.ts …]
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbedded, type EmbeddedServer } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';

const root = path.resolve(import.meta.dirname, '..');

async function testFiles(args: string[]): Promise<string[]> {
  if (args.length) return args;
  const all = await readdir(path.join(root, 'test'), { recursive: true });
  return all
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join('test', f));
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

// Cleanup must run however the run ends: Ctrl-C, a kill, or `npm test | head` closing the
// pipe (an unhandled EPIPE would crash the runner and leave the PostgreSQL server running).
let cleanup: (() => Promise<void>) | undefined;
// The test files' processes: a group of their own, stopped with the run. A kill of this
// process alone (a CI timeout, `kill <pid>`) used to stop the server and leave `node --test`
// running file after file against it.
let tests: ChildProcess | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    if (tests?.pid !== undefined && tests.exitCode === null) {
      try {
        process.kill(-tests.pid, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
process.stdout.on('error', () => undefined);

async function main(): Promise<number> {
  const files = await testFiles(process.argv.slice(2));
  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cronwatch-test-'));
    // When run as root the server runs as the postgres user, which must reach the directory.
    await chmod(dataDir, 0o755);
    embedded = await openEmbedded(dataDir);
    adminUrl = embedded.url;
    const server = embedded;
    const dir = dataDir;
    cleanup = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const template = `cw_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
    await migrate(withDatabase(adminUrl, template));
    const started = Date.now();
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
        {
          cwd: root,
          stdio: 'inherit',
          detached: true,
          env: {
            ...process.env,
            CRONWATCH_TEST_ADMIN_URL: adminUrl,
            CRONWATCH_TEST_TEMPLATE: template,
          },
        },
      );
      tests = child;
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    process.stdout.write(`test run took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return code;
  } finally {
    // Test files drop their own databases; the template and anything a crash left behind go here.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `cw_t${process.pid}_%`],
    );
    for (const row of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
