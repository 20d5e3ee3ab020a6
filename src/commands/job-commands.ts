// The `cronwatch job …` commands' names, options and help. Their code (./jobs.ts, which
// loads pg and the outbound client) is imported only when one of them runs, so
// `cronwatch --help` stays fast.
import type { Command } from 'commander';
import { lazy } from './lazy.js';

export function registerJobCommands(program: Command): void {
  const jobs = () => import('./jobs.js');
  const job = program
    .command('job')
    .description('scheduled HTTP jobs: add, list, show, pause, resume, run, rm, runs, redrive');
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  job
    .command('add')
    .description('create a job: one of --schedule, --every, --at, --after, and --url')
    .argument('<account>')
    .argument('<name>')
    .requiredOption('--url <url>', 'http(s) URL to call')
    .option('--schedule <cron>', '5-field cron expression (or @hourly, @daily, …)')
    .option('--tz <zone>', 'IANA time zone of --schedule (default UTC)')
    .option('--every <seconds>', 'every this many seconds')
    .option('--at <time>', 'once, at an ISO 8601 time with an offset')
    .option('--after <seconds>', 'once, this many seconds from now')
    .option('--method <method>', 'HTTP method (default POST with --body, else GET)')
    .option('--header <header>', '"Name: value" (repeatable)', collect)
    .option('--body <text>', 'request body (at most 100 kB)')
    .option('--timeout <seconds>', 'time limit of one attempt (default 30, at most 900)')
    .option('--attempts <n>', 'attempts before a run is dead (default 5)')
    .option('--overlap <policy>', 'skip (default), allow or queue')
    .option('--catch-up <policy>', 'none, latest (default) or all')
    .option('--secret <secret>', 'sign bodies: Cronwatch-Signature')
    .option('--tags <tags>', 'space-separated tags')
    .option('--json', 'print the job as JSON')
    .action(lazy(jobs, 'jobAddCommand'));
  job
    .command('list')
    .description("list an account's jobs")
    .argument('<account>')
    .option('--json', 'one JSON object per line')
    .action(lazy(jobs, 'jobListCommand'));
  for (const [name, description, action] of [
    ['show', 'show one job', lazy(jobs, 'jobShowCommand')],
    ['pause', 'pause a job (and its check)', lazy(jobs, 'jobPauseCommand')],
    ['resume', 'resume a job', lazy(jobs, 'jobResumeCommand')],
    ['run', 'run a job now, outside its schedule', lazy(jobs, 'jobRunCommand')],
    ['rm', 'delete a job; its future runs are cancelled', lazy(jobs, 'jobRmCommand')],
  ] as const)
    job
      .command(name)
      .description(description)
      .argument('<account>')
      .argument('<uuid>')
      .option('--json', 'JSON output')
      .action(action);
  job
    .command('runs')
    .description("a job's runs, newest first, with attempts and last outcome")
    .argument('<account>')
    .argument('<uuid>')
    .option('--limit <n>', 'how many (default 20)')
    .option('--json', 'one JSON object per line')
    .action(lazy(jobs, 'jobRunsCommand'));
  job
    .command('redrive')
    .description('run a dead or failed run again, with the same Run-Id')
    .argument('<account>')
    .argument('<uuid>')
    .argument('<run-id>')
    .option('--json', 'JSON output')
    .action(lazy(jobs, 'jobRedriveCommand'));
}
