// The commander program. Each command's code is imported when that command runs, not
// before: `cronwatch --help` and `cronwatch exec` (which wraps every run of a job) would
// otherwise load pg, express, nodemailer and the rest on each call (0.4-0.6 s here).
import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { registerJobCommands } from './commands/job-commands.js';
import { lazy } from './commands/lazy.js';
import { UsageError } from './commands/usage-error.js';

const checks = () => import('./commands/checks.js');
const accounts = () => import('./commands/accounts.js');
const checkState = () => import('./commands/check-state.js');
const channels = () => import('./commands/channel.js');
const statusPages = () => import('./commands/status-page.js');
const runRoles = (roles: { front: boolean; back: boolean }) =>
  import('./commands/roles.js').then((m) => m.runRoles(roles));

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('cronwatch')
  .description('Heartbeat monitoring for cron jobs (gocron and healthchecks.io compatible)')
  .version(pkg.version)
  .showHelpAfterError()
  // A usage mistake (unknown command or option, a missing argument) exits 2, as README says:
  // "2 called wrongly". Commander's default is 1, which reads as "it ran and failed".
  // Subcommands made after this line inherit it.
  .exitOverride((err: CommanderError) => process.exit(err.exitCode === 0 ? 0 : 2))
  // Options after a subcommand belong to it: `exec` passes the wrapped command's own on.
  .enablePositionalOptions()
  .option(
    '--settings <file>',
    "also read settings from this file, as the service does (e.g. /etc/cronwatch/cronwatch.env); the environment's own win",
  )
  .hook('preAction', async (cmd) => {
    const file = cmd.opts<{ settings?: string }>().settings;
    if (file === undefined) return;
    const { loadEnvFile } = await import('./config.js');
    try {
      loadEnvFile(file);
    } catch (err) {
      throw new UsageError(`cannot read --settings ${file}: ${(err as Error).message}`);
    }
  });

program
  .command('start')
  .description('run the front (HTTP) and back (alerts) roles in one process; migrates first')
  .action(() => runRoles({ front: true, back: true }));

program
  .command('front')
  .description('run the HTTP role only: check-ins, API, pages (several may run)')
  .action(() => runRoles({ front: true, back: false }));

program
  .command('back')
  .description('run the alerting role only: sweep, dispatch (several may run)')
  .action(() => runRoles({ front: false, back: true }));

program
  .command('summary')
  .description('print the jobs that are missed now')
  .option('--account <name>', 'only this account')
  .option('--json', 'JSON for scripts (same as --format json)')
  .option('--format <format>', 'table, json or gocron (gocron summary text, byte for byte)')
  .option('--send', 'also post it to the global channels (SLACK_WEBHOOK_URL, SUMMARY_EMAIL)')
  .option('--verbose', "gocron's spelling of --send")
  .action(lazy(() => import('./commands/summary.js'), 'summaryCommand'));

program
  .command('import-gocron')
  .description(
    'copy the jobs of an existing gocron database (its gocron table), keeping check-in times and alert state',
  )
  .argument('<postgres-url>', "gocron's database, e.g. postgres://gocron:pass@db:5432/gocron")
  .action(lazy(() => import('./commands/import-gocron.js'), 'importGocronCommand'));

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(lazy(() => import('./commands/migrate.js'), 'migrateCommand'));

program
  .command('exec')
  .description(
    'run a command and report it to a check: a start ping, then its exit status and the end of its output',
  )
  .usage('(--url <ping-url> | --uuid <uuid> | --slug <slug>) [options] [--] <command> [args...]')
  .argument('[command...]', 'the command to run and its arguments (no shell)')
  .option('--url <ping-url>', "the check's ping URL, e.g. http://cronwatch:8080/ping/<uuid>")
  .option('--uuid <uuid>', "the check's uuid (with --base-url)")
  .option('--slug <slug>', "the check's slug (with --base-url and --ping-key)")
  .option('--base-url <url>', 'where cronwatch answers, e.g. http://cronwatch:8080')
  .option('--ping-key <key>', "the account's ping key, for --slug")
  .passThroughOptions()
  // Bad usage exits 2 (inherited from the program), so it is told apart from the exit
  // status of a command that ran.
  .action(lazy(() => import('./commands/exec.js'), 'execCommand'));

const check = program
  .command('check')
  .description('create checks, change their schedules, list, pause, resume and delete them');
const schedule = (c: Command) =>
  c
    .option('--period <seconds>', 'expected every this many seconds (60 to 31536000)')
    .option('--cron <expression>', 'expected by a 5-field cron expression')
    .option('--tz <zone>', 'IANA time zone of --cron (default UTC)')
    .option(
      '--grace <seconds>',
      'how late a ping may be before the check is down (60 to 31536000)',
    );
schedule(
  check
    .command('add')
    .description('create a check and print its ping URL')
    .argument('<account>')
    .argument('<name>'),
)
  .option('--slug <slug>', 'for /ping/<ping-key>/<slug> URLs')
  .option('--email <addresses>', 'alert these addresses (comma-separated)')
  .option('--json', 'print the check as JSON')
  .option('--create-account', 'create the account when there is none (default: exit 2)')
  .action(lazy(checks, 'checkAddCommand'));
schedule(
  check
    .command('schedule')
    .description("change a check's schedule")
    .argument('<account>')
    .argument('<name>'),
).action(lazy(checks, 'checkScheduleCommand'));
check
  .command('list')
  .description('list checks with status, schedule and ping URL')
  .option('--account <name>', 'only this account')
  .option('--json', 'one JSON object per line')
  .action(lazy(checks, 'checkListCommand'));
for (const [name, description, action] of [
  [
    'pause',
    'pause a check: nothing is expected, no alert, until resumed or pinged',
    'checkPauseCommand',
  ],
  ['resume', 'resume a paused check (status new until its next ping)', 'checkResumeCommand'],
  ['rm', 'delete a check with its pings and flips', 'checkRmCommand'],
] as const)
  check
    .command(name)
    .description(description)
    .argument('<account>')
    .argument('<name>')
    .option('--json', 'print the outcome as JSON')
    .action(lazy(checkState, action));

// Alert policies (issue 16): `check policy`, `check ack`, `maintenance add|list|rm`.
const policy = () => import('./commands/check-policy.js');
check
  .command('policy')
  .description('show or change a check\'s alert policies ("none" clears a setting)')
  .argument('<account>')
  .argument('<name>')
  .option('--failure-threshold <n>', 'down alert after n consecutive misses or failures')
  .option('--success-threshold <n>', 'recovery alert after n consecutive successes')
  .option('--min-runtime <seconds>', 'a run finishing faster fails ("finished too fast")')
  .option('--max-runtime <seconds>', 'a run still going after this alerts ("running too long")')
  .option('--repeat-every <seconds>', 'repeat the down alert this often while down (60 or more)')
  .option('--repeat-limit <n>', 'at most n repeats per outage')
  .option('--depends-on <names>', 'comma-separated checks this one depends on')
  .option('--snooze-until <time>', 'no down alerts until this ISO 8601 time')
  .option('--json', 'print the settings as JSON')
  .action(lazy(policy, 'checkPolicyCommand'));
check
  .command('ack')
  .description('acknowledge a down check: its repeat alerts stop until it recovers')
  .argument('<account>')
  .argument('<name>')
  .action(lazy(policy, 'checkAckCommand'));
const maintenance = program
  .command('maintenance')
  .description('maintenance windows: checks silenced at set times');
maintenance
  .command('add')
  .description('add a window on a check or a tag: --cron + --duration [+ --tz], or --from + --to')
  .argument('<account>')
  .option('--check <name>', 'the check')
  .option('--tag <tag>', 'every check with this tag')
  .option('--cron <expression>', 'when the window starts (5-field cron)')
  .option('--duration <seconds>', 'how long it lasts')
  .option('--tz <zone>', 'IANA time zone of --cron (default UTC)')
  .option('--from <time>', 'one-off window start (ISO 8601)')
  .option('--to <time>', 'one-off window end (ISO 8601)')
  .action(lazy(policy, 'maintenanceAddCommand'));
maintenance
  .command('list')
  .description("list an account's windows, one JSON object per line")
  .argument('<account>')
  .action(lazy(policy, 'maintenanceListCommand'));
maintenance
  .command('rm')
  .description('remove a window')
  .argument('<account>')
  .argument('<uuid>')
  .action(lazy(policy, 'maintenanceRmCommand'));

const account = program.command('account').description('account administration');
account
  .command('create')
  .description(
    'create an account and print its read-write and read-only API keys and its ping key (shown once)',
  )
  .argument('<name>')
  .option('--json', 'print {account, api_key, api_key_readonly, ping_key}')
  .action(lazy(accounts, 'accountCreateCommand'));
account
  .command('list')
  .description('list the accounts with their numbers of checks, channels and API keys')
  .option('--json', 'one JSON object per line')
  .action(lazy(accounts, 'accountListCommand'));
account
  .command('rm')
  .description(
    'delete an account with its API keys, channels and status pages (with checks: only with --force)',
  )
  .argument('<name>')
  .option('--force', 'also delete its checks with their pings and history')
  .option('--json', 'print the outcome as JSON')
  .action(lazy(accounts, 'accountRmCommand'));
account
  .command('ping-key')
  .description("print the account's ping key for slug URLs (created on first use)")
  .argument('<account>')
  .action(lazy(checks, 'pingKeyCommand'));
account
  .command('gocron')
  .description(
    'show or set how the account takes gocron check-ins: open (no key, as gocron), key (its ping key required) or off',
  )
  .argument('<account>')
  .argument('[mode]', 'open, key or off')
  .option('--json', 'print {account, gocron_checkins, ping_key (key mode)}')
  .action(lazy(() => import('./commands/account-gocron.js'), 'accountGocronCommand'));

const key = program
  .command('key')
  .description('API keys of an account (for /api/v3): create, list, revoke');
key
  .command('create')
  .description('add an API key to an account and print it (shown once)')
  .argument('<account>')
  .option('--read-only', 'a read-only key (list and read checks and flips only)')
  .option('--name <name>', 'a note to tell keys apart')
  .option('--json', 'print the key as JSON')
  .action(lazy(accounts, 'keyCreateCommand'));
key
  .command('list')
  .description("list an account's API keys (prefix, scope, name, dates; never the keys)")
  .argument('<account>')
  .option('--json', 'one JSON object per line')
  .action(lazy(accounts, 'keyListCommand'));
key
  .command('revoke')
  .description('revoke an API key by its prefix (see key list)')
  .argument('<account>')
  .argument('<prefix>')
  .action(lazy(accounts, 'keyRevokeCommand'));

registerJobCommands(program);

const statusPage = program
  .command('status-page')
  .description("an account's public status pages (/status/<slug>): add, list, rm");
statusPage
  .command('add')
  .description('publish a status page of the account, or of its checks with one tag')
  .argument('<account>')
  .argument('<slug>', 'the address: 3-64 of a-z, 0-9 and -')
  .option('--tag <tag>', 'only the checks with this tag (default: every check)')
  .option('--title <title>', 'the page title (default: "<account> status")')
  .option('--json', 'print the page as JSON')
  .action(lazy(statusPages, 'statusPageAddCommand'));
statusPage
  .command('list')
  .description("list an account's status pages with their addresses")
  .argument('<account>')
  .option('--json', 'one JSON object per line')
  .action(lazy(statusPages, 'statusPageListCommand'));
statusPage
  .command('rm')
  .description('take a status page down')
  .argument('<account>')
  .argument('<slug>')
  .action(lazy(statusPages, 'statusPageRmCommand'));

const channel = program
  .command('channel')
  .description(
    "an account's email, Slack and webhook channels: add, list, rm, test, link to checks",
  );
channel
  .command('add')
  .description('create a channel and print its id')
  .argument('<account>')
  .argument(
    '<kind>',
    'email, slack, webhook, discord, teams, telegram, ntfy, pagerduty, opsgenie, pushover, mattermost, matrix, gotify, zulip or shell',
  )
  .option('--to <addresses>', 'email: comma-separated addresses')
  .option(
    '--url <url>',
    'slack: the incoming-webhook URL (https); webhook: the URL to POST to; discord, teams, mattermost: the webhook URL',
  )
  .option('--channel <channel>', 'slack: the channel to post in, e.g. #ops')
  .option('--secret <secret>', 'webhook: key of the X-Cronwatch-Signature HMAC')
  .option(
    '--set <field=value>',
    'another setting of the kind (repeatable), e.g. --set token=… --set chat_id=… (README "Integrations")',
    (v: string, all: string[] = []) => [...all, v],
  )
  .option('--name <name>', 'a name (default: what it sends to)')
  .option('--json', 'print the channel as JSON')
  .action(lazy(channels, 'channelAddCommand'));
channel
  .command('list')
  .description("list an account's channels (never a webhook secret or a Slack URL)")
  .argument('<account>')
  .option('--json', 'one JSON object per line')
  .action(lazy(channels, 'channelListCommand'));
channel
  .command('rm')
  .description('delete a channel (it is unlinked from its checks)')
  .argument('<account>')
  .argument('<channel>', 'the channel id, or its name when unique')
  .option('--json', 'print the outcome as JSON')
  .action(lazy(channels, 'channelRmCommand'));
channel
  .command('test')
  .description('send a test notification through a channel now (exit 1 when it fails)')
  .argument('<account>')
  .argument('<channel>', 'the channel id, or its name when unique')
  .option('--json', 'print the outcome as JSON')
  .action(lazy(channels, 'channelTestCommand'));
channel
  .command('link')
  .description("add a channel to a check's alerts")
  .argument('<account>')
  .argument('<check>', 'the check name')
  .argument('<channel>', 'the channel id, or its name when unique')
  .action(lazy(channels, 'channelLinkCommand'));
channel
  .command('unlink')
  .description("remove a channel from a check's alerts")
  .argument('<account>')
  .argument('<check>', 'the check name')
  .argument('<channel>', 'the channel id, or its name when unique')
  .action(lazy(channels, 'channelUnlinkCommand'));

// `cronwatch check list | head -1`: the reader went away, which is not an error of ours (it
// printed a stack trace of 'write EPIPE' and exited 1).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// gocron's crontab lines say `gocron-back --summary [--verbose]`: accept the same shape.
const argv = process.argv.slice(2);
if (argv[0] === '--summary') argv[0] = 'summary';

program.parseAsync(argv, { from: 'user' }).catch((err: unknown) => {
  process.stderr.write(`cronwatch: ${err instanceof Error ? err.message : String(err)}\n`);
  // 2: the command was called wrongly and did nothing; 1: it failed.
  process.exit(err instanceof UsageError ? 2 : 1);
});
