// `cronwatch status-page add|list|rm`, run as the real CLI against the test database: the
// dashboard's rules (slug shape, global slugs, one account's pages) from the command line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDatabase } from '../helpers/db.js';
import { cliOn } from '../helpers/cli.js';

const db = await testDatabase();

const cli = cliOn(db.url, { PUBLIC_URL: 'https://cron.example.com' });

await db.pool.query(`INSERT INTO accounts (name) VALUES ('acme'), ('other')`);

async function pages(): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT a.name || ':' || p.slug || ':' || coalesce(p.tag, '*') || ':' || p.title AS row
       FROM status_pages p JOIN accounts a ON a.id = p.account_id ORDER BY a.name, p.slug`,
  );
  return rows.map((r) => r.row as string);
}

test('add publishes a page, list shows it, rm takes it down', async () => {
  const added = await cli([
    'status-page',
    'add',
    'acme',
    'acme-prod',
    '--tag',
    'prod',
    '--title',
    'Acme jobs',
    '--json',
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(JSON.parse(added.stdout), {
    slug: 'acme-prod',
    tag: 'prod',
    title: 'Acme jobs',
    url: 'https://cron.example.com/status/acme-prod',
  });
  const all = await cli(['status-page', 'add', 'acme', 'acme-all']);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, 'status page https://cron.example.com/status/acme-all published\n');
  const list = await cli(['status-page', 'list', 'acme']);
  assert.equal(
    list.stdout,
    'https://cron.example.com/status/acme-all  all checks\n' +
      'https://cron.example.com/status/acme-prod  checks tagged "prod"  "Acme jobs"\n',
  );
  const json = await cli(['status-page', 'list', 'acme', '--json']);
  assert.equal(json.stdout.trim().split('\n').length, 2);
  assert.equal((await cli(['status-page', 'list', 'other'])).stdout, 'No status pages in other.\n');
  const rm = await cli(['status-page', 'rm', 'acme', 'acme-all']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual(await pages(), ['acme:acme-prod:prod:Acme jobs']);
});

test('bad slugs, taken slugs, unknown accounts and pages exit 2 with a message, writing nothing', async () => {
  const cases: [string[], RegExp][] = [
    [['status-page', 'add', 'acme', 'ab'], /3-64 lower-case letters/],
    [['status-page', 'add', 'acme', 'Acme'], /3-64 lower-case letters/],
    [['status-page', 'add', 'acme', '../etc'], /3-64 lower-case letters/],
    [['status-page', 'add', 'acme', 'a'.repeat(65)], /3-64 lower-case letters/],
    [['status-page', 'add', 'acme', 'ok-slug', '--tag', ''], /--tag must be 1-200/],
    [
      ['status-page', 'add', 'acme', 'ok-slug', '--title', 't'.repeat(201)],
      /--title must be at most 200/,
    ],
    [['status-page', 'add', 'other', 'acme-prod'], /\/status\/acme-prod is taken/],
    [['status-page', 'add', 'nobody', 'fresh-slug'], /no account "nobody"/],
    [['status-page', 'rm', 'other', 'acme-prod'], /no status page "acme-prod" in account "other"/],
    [['status-page', 'rm', 'acme', '%00'], /no status page/],
    [['status-page', 'list', 'nobody'], /no account "nobody"/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  // A missing argument is commander's usage error (exit 1, as for every subcommand).
  const missing = await cli(['status-page', 'add', 'acme']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /missing required argument 'slug'/);
  assert.deepEqual(await pages(), ['acme:acme-prod:prod:Acme jobs']);
});
