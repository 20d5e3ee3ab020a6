import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { migrateCommand } from './commands/migrate.js';
import { runRoles } from './commands/roles.js';

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
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(migrateCommand);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`cronwatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
