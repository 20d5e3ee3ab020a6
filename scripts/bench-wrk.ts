// wrk for the ping benchmarks (bench-ping, bench-front-ab): the Lua scripts of each ping form
// against the benchmarks' checks (benchChecks), and one run read into figures.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Ping forms: /ping/<uuid>, /ping/<ping key>/<slug>, the gocron check-in (issue 14). */
export type Form = 'uuid' | 'slug' | 'gocron';

/** The request line of one ping of `form` to check number `i` (a Lua expression). */
function pingPath(form: Form, uuidOf: string, i: string): string {
  if (form === 'uuid') return `"/ping/" .. ${uuidOf}`;
  if (form === 'slug') return `"/ping/benchkey/check-" .. ${i}`;
  return `"/?cronname=check-" .. ${i} .. "&account=bench&email=ops%40example.com&frequency=3600"`;
}

/**
 * Writes to `dir` the wrk scripts of `form`: pings spread at random over every check of
 * `uuids`, and pings of the first one alone.
 */
export async function pingScripts(
  dir: string,
  uuids: string[],
  form: Form,
): Promise<{ spread: string; hot: string }> {
  const uuidsFile = path.join(dir, 'uuids.txt');
  await writeFile(uuidsFile, uuids.join('\n') + '\n');
  const spread = path.join(dir, `${form}-spread.lua`);
  await writeFile(
    spread,
    `local uuids = {}\nfor line in io.lines("${uuidsFile}") do uuids[#uuids + 1] = line end\n` +
      `request = function() local i = math.random(#uuids) return wrk.format("GET", ${pingPath(form, 'uuids[i]', 'i')}) end\n`,
  );
  const hot = path.join(dir, `${form}-hot.lua`);
  await writeFile(
    hot,
    `request = function() return wrk.format("GET", ${pingPath(form, `"${uuids[0]!}"`, '1')}) end\n`,
  );
  return { spread, hot };
}

export interface Result {
  rps: number;
  p50: string;
  p99: string;
  /** 2xx and 3xx answers. */
  ok: number;
  errors: number;
}

/** One wrk run (two threads) of `script` against `url`. */
export async function wrk(
  url: string,
  connections: number,
  close: boolean,
  script: string,
  seconds: number,
): Promise<Result> {
  const argv = ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script];
  if (close) argv.push('-H', 'Connection: close');
  const { stdout } = await run('wrk', [...argv, url], { maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    rps,
    p50: /^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? '?',
    p99: /^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? '?',
    ok: total - non2xx,
    errors: non2xx + socketErrors,
  };
}
