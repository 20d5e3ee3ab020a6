import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { importGocronCommand } from './commands/import-gocron.js';
import { migrateCommand } from './commands/migrate.js';
import { runRoles } from './commands/roles.js';
import { summaryCommand } from './commands/summary.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('cronwatch')
  .description('Heartbeat monitoring for cron jobs (gocron and healthchecks.io compatible)')
  .version(pkg.version)
  .showHelpAfterError();

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
  .action(summaryCommand);

program
  .command('import-gocron')
  .description(
    'copy the jobs of an existing gocron database (its gocron table), keeping check-in times and alert state',
  )
  .argument('<postgres-url>', "gocron's database, e.g. postgres://gocron:pass@db:5432/gocron")
  .action(importGocronCommand);

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(migrateCommand);

// gocron's crontab lines say `gocron-back --summary [--verbose]`: accept the same shape.
const argv = process.argv.slice(2);
if (argv[0] === '--summary') argv[0] = 'summary';

program.parseAsync(argv, { from: 'user' }).catch((err: unknown) => {
  process.stderr.write(`cronwatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
