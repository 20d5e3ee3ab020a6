// The CLI against one test database: `const cli = cliOn(db.url)`, then `await cli([...])`.
import { runCli } from './process.js';

export type CliRun = ReturnType<typeof runCli>;

/** Runs `cronwatch <args>` on the database at `url`, with warnings only in its log. */
export function cliOn(url: string, vars: Record<string, string> = {}) {
  return (args: string[], more: Record<string, string> = {}): CliRun =>
    runCli(args, { DATABASE_URL: url, LOG_LEVEL: 'warn', ...vars, ...more });
}
