// `cronwatch exec -- CMD`: wraps a job the way runitor does for healthchecks. A start ping,
// the command with its output passed through live, then a ping with its exit status and the
// tail of its output. cronwatch being down never fails or blocks the job for long: each ping
// gives up after PING_DEADLINE_MS and the command's own status is what we exit with.
import { execDefaults } from '../config.js';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { retryDelayMs } from '../domain/backoff.js';
import { SLUG, UUID } from '../domain/patterns.js';
import { Tail } from '../domain/tail.js';
import { UsageError } from './usage-error.js';

export interface ExecOptions {
  url?: string;
  uuid?: string;
  slug?: string;
  baseUrl?: string;
  pingKey?: string;
}

/** healthchecks' default when the server does not say (no Ping-Body-Limit header). */
const DEFAULT_BODY_LIMIT = 100_000;
/** A server could advertise anything; the tail is held in memory. */
const MAX_BODY_LIMIT = 10 * 1024 * 1024;
const ATTEMPT_TIMEOUT_MS = 10_000;
/** All tries of one ping, waits included: the longest a ping holds the job up. */
const PING_DEADLINE_MS = 15_000;
/** Retries after the first try, about 0.5 s, 1 s and 2 s apart (with jitter). */
const RETRIES = 3;
/**
 * How long to wait for the output pipes to close once the command has exited. A command that
 * starts a daemon leaves it holding them; without a limit the finish ping would wait for the
 * daemon to end, and the check would go down.
 */
const PIPE_GRACE_MS = 2_000;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// UUID and SLUG as the ping routes accept them: a wrong one is a usage error here, before
// the job runs, rather than a 400 after it.
const PING_KEY = /^[A-Za-z0-9_-]+$/;

/** Where the pings go: the check's ping URL (no suffix) and its credentials, if any. */
interface Target {
  url: URL;
  authorization: string | undefined;
}

function httpUrl(option: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${option} "${value}" is not an http:// or https:// URL`);
  url.hash = '';
  return url;
}

/** `url` with `/path` after its own path (a root URL's path is "/", not ""). */
function under(url: URL, path: string): URL {
  const joined = new URL(url);
  joined.pathname = url.pathname.replace(/\/+$/, '') + path;
  return joined;
}

/**
 * The ping URL from --url, or from --uuid / --slug under --base-url. --base-url and
 * --ping-key (defaults: CRONWATCH_URL, CRONWATCH_PING_KEY) are only read with --uuid /
 * --slug, so they never clash with a --url.
 */
function targetOf(opts: ExecOptions): Target {
  const given = (['url', 'uuid', 'slug'] as const).filter((k) => opts[k] !== undefined);
  if (given.length === 0)
    throw new UsageError(
      'which check? Give --url <ping-url>, or --uuid <uuid> or --slug <slug> with --base-url <url>',
    );
  if (given.length > 1)
    throw new UsageError(`give only one of --url, --uuid and --slug (got ${given.join(', ')})`);

  let url: URL;
  if (opts.url !== undefined) {
    url = httpUrl('--url', opts.url);
  } else {
    if (opts.baseUrl === undefined)
      throw new UsageError(
        `--${given[0]} needs --base-url <url>, the address of cronwatch (e.g. http://cronwatch:8080)`,
      );
    url = httpUrl('--base-url', opts.baseUrl);
    if (opts.uuid !== undefined) {
      if (!UUID.test(opts.uuid)) throw new UsageError(`--uuid "${opts.uuid}" is not a UUID`);
      url = under(url, `/ping/${opts.uuid.toLowerCase()}`);
    } else {
      const slug = opts.slug!;
      if (opts.pingKey === undefined) throw new UsageError('--slug needs --ping-key <key>');
      if (!PING_KEY.test(opts.pingKey))
        throw new UsageError('--ping-key may only hold letters, digits, "-" and "_"');
      if (!SLUG.test(slug))
        throw new UsageError(
          `--slug "${slug}" must be 1-200 lowercase letters, digits, "-" and "_"`,
        );
      url = under(url, `/ping/${opts.pingKey}/${slug}`);
    }
  }

  // Credentials go in a header, never in the URL we print.
  let authorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, authorization };
}

/** `<ping-url>/<suffix>?rid=…`, keeping any query of the ping URL (e.g. ?create=1). */
function pingUrlFor(target: Target, suffix: string, rid: string): URL {
  const url = under(target.url, `/${suffix}`);
  url.searchParams.set('rid', rid);
  return url;
}

function reason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code) return code;
  return err instanceof Error ? err.message : String(err);
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One POST through node:http(s). Not fetch: its first call loads undici, some 60-90 ms of
 * CPU added to every run of every wrapped job. A fresh connection each time (no agent), so
 * nothing keeps the process alive after the last ping.
 */
async function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<Answer> {
  const { request } =
    url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(body?.length ?? 0) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    const timer = setTimeout(() => {
      const err = new Error('no answer in time');
      err.name = 'TimeoutError';
      req.destroy(err);
    }, timeoutMs);
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * One ping, retried on network errors, timeouts and 5xx within PING_DEADLINE_MS. A 4xx is
 * an answer (unknown check, bad request): retrying would not change it. Problems go to
 * stderr; the answer is returned when there was a 2xx.
 */
async function ping(target: Target, suffix: string, rid: string, body?: Buffer) {
  const url = pingUrlFor(target, suffix, rid);
  const shown = `${url.origin}${url.pathname}`;
  const headers: Record<string, string> = { 'User-Agent': 'cronwatch-exec' };
  if (target.authorization) headers.Authorization = target.authorization;
  if (body) headers['Content-Type'] = 'text/plain; charset=utf-8';
  const deadline = Date.now() + PING_DEADLINE_MS;
  let problem: string;
  let tries = 0;
  for (;;) {
    tries++;
    try {
      const res = await post(
        url,
        headers,
        body,
        Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()),
      );
      const text = res.text;
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status < 500) {
        const said = text.trim().split('\n')[0]?.slice(0, 200);
        process.stderr.write(
          `cronwatch exec: ${shown} answered ${res.status}${said ? `: ${said}` : ''}\n`,
        );
        return undefined;
      }
      problem = `HTTP ${res.status}`;
    } catch (err) {
      problem = reason(err);
    }
    const wait = retryDelayMs(tries, 500, 2_000, Math.random());
    // Leave the next try at least a second, or do not make it.
    if (tries > RETRIES || Date.now() + wait + 1_000 > deadline) break;
    await delay(wait);
  }
  process.stderr.write(
    `cronwatch exec: could not reach ${shown}: ${problem} (${tries} ${tries === 1 ? 'try' : 'tries'})\n`,
  );
  return undefined;
}

function bodyLimit(header: string | null | undefined): number {
  if (!header || !/^\d+$/.test(header.trim())) return DEFAULT_BODY_LIMIT;
  return Math.min(Number(header.trim()), MAX_BODY_LIMIT);
}

/** A shell's convention: the exit code, or 128 + the number of the signal that killed it. */
function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}

/** Copies `from` to `to` live and into the tail; a slow `to` slows the command down. */
function tee(from: Readable, to: Writable, tail: Tail): void {
  // Our own stdout closed (`cronwatch exec … | head`): keep reading, so the command is not
  // blocked on a full pipe, and keep the tail for the ping.
  let broken = false;
  to.on('error', () => {
    broken = true;
    from.resume();
  });
  from.on('data', (chunk: Buffer) => {
    tail.push(chunk);
    if (!broken && !to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

/** Runs the command to its end; resolves with its exit status (127/126 when it cannot start). */
function run(command: string, args: string[], tail: Tail): Promise<number> {
  return new Promise((resolve) => {
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const done = (status: number) => {
      if (settled) return;
      settled = true;
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      clearTimeout(graceTimer);
      resolve(status);
    };
    const cannotStart = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT'
          ? 'command not found'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
      process.stderr.write(`cronwatch exec: cannot run ${command}: ${why}\n`);
      done(err.code === 'ENOENT' ? 127 : 126);
    };

    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    } catch (err) {
      cannotStart(err as NodeJS.ErrnoException);
      return;
    }
    for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    tee(child.stdout!, process.stdout, tail);
    tee(child.stderr!, process.stderr, tail);
    // Without a pid it never started; an error of a started child (a failed kill) is no end.
    child.on('error', (err) => {
      if (child.pid === undefined) cannotStart(err);
    });
    child.once('exit', () => {
      graceTimer = setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, PIPE_GRACE_MS);
    });
    // 'close' comes after 'exit' once the output is read to its end, so the tail is complete.
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) done(exitStatus(code, signal));
    });
  });
}

/** The exit code of a usage error, as for a configuration error (runtime.ts). */
function usageExit(message: string): never {
  process.stderr.write(`cronwatch exec: ${message}\n`);
  process.exit(2);
}

export async function execCommand(command: string[], opts: ExecOptions): Promise<void> {
  let target: Target;
  try {
    if (command.length === 0)
      throw new UsageError('no command to run: cronwatch exec --url <ping-url> -- command [args…]');
    target = targetOf({ ...execDefaults(), ...opts });
  } catch (err) {
    if (err instanceof UsageError) usageExit(err.message);
    throw err;
  }
  const [name, ...args] = command as [string, ...string[]];
  const rid = randomUUID();
  const started = await ping(target, 'start', rid);
  const limit = started?.headers['ping-body-limit'];
  const tail = new Tail(bodyLimit(Array.isArray(limit) ? limit[0] : limit));
  const status = await run(name, args, tail);
  await ping(target, String(status), rid, tail.bytes());
  process.exit(status);
}
