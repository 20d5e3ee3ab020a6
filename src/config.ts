// The only reader of process.env. Every setting is parsed and checked once, at start-up,
// so a typo in a unit file stops the process with a message instead of surfacing as an
// odd behaviour hours later (e.g. PORT=80800 or GRACE_PERCENT=ten).
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { validate as validateCron } from 'node-cron';
import type { GracePolicy } from './domain/schedule.js';

// Defined by the rule that uses it (domain imports nothing above it); kept importable here.
export type { GracePolicy };
import { parseHosts } from './domain/hosts.js';

export type LogFormat = 'json' | 'pretty';

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  databasePoolMax: number;
  host: string | undefined;
  port: number;
  trustProxy: string[];
  logLevel: string;
  logFormat: LogFormat;
  grace: GracePolicy;
  shutdownTimeoutMs: number;
  bodyLimitBytes: number;
  /** Management API requests per minute per key (per address without a valid key); 0 = off. */
  apiRateLimit: number;
  publicUrl: string | undefined;
  /** How long a dashboard sign-in lasts. */
  sessionHours: number;
  smtp: { url: string; from: string } | undefined;
  slack: { webhookUrl: string; channel: string | undefined } | undefined;
  back: BackConfig;
  summary: SummaryConfig;
  pings: PingConfig;
  metrics: MetricsConfig;
  /** Whether a gocron check-in of an unknown account creates the account (as gocron did). */
  gocronCreateAccounts: boolean;
  /** Outbound calls (job actions) may reach loopback and private addresses. */
  outboundAllowPrivate: boolean;
  /** Job attempts in flight per back instance. */
  jobsConcurrency: number;
  /** The back keeps this many newest runs (ticks) per job; older finished ones are deleted. */
  jobRunsKeep: number;
  /** SHELL_CHANNELS=1: shell channels may be created and run, with this base environment. */
  shellChannels: { env: Record<string, string> } | undefined;
  /** Messages per minute to one chat destination before the rest are folded; 0 = no limit. */
  notifyRateLimit: number;
  /** The SMTP listener of email check-ins; undefined = off. */
  pingEmail: PingEmailConfig | undefined;
}

export interface PingEmailConfig {
  port: number;
  /** Mail to <uuid>@domain is a ping. */
  domain: string;
  /** Largest message accepted, in bytes (bigger: refused with 552). */
  maxBytes: number;
  /** healthchecks' keyword rules for every check: where to look and the words. */
  filter: { subject: boolean; body: boolean };
  successKw: string;
  failureKw: string;
  startKw: string;
}

export interface MetricsConfig {
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** When set, `cronwatch back` serves its own /metrics on this port (0: any free one). */
  backPort: number | undefined;
}

export interface PingConfig {
  /** Request bodies of pings are stored up to this many bytes (cut, never refused). */
  bodyLimitBytes: number;
  /** The back keeps this many newest pings per check. */
  keep: number;
  /** Most checks an account may have for a slug ping with ?create=1 to add one. */
  createLimit: number;
}

export interface SummaryConfig {
  /** node-cron expression of the weekly report; undefined = off. */
  cron: string | undefined;
  timezone: string;
  /** Addresses the summary is emailed to (with --send and the weekly report). */
  emails: string[];
}

export interface BackConfig {
  sweepBatch: number;
  /** Upper bound on how long the back sleeps between looks at the earliest deadline. */
  maxSleepMs: number;
  dispatchConcurrency: number;
  dispatchTimeoutMs: number;
  /** How long a claimed notification stays invisible to other back instances. */
  dispatchLeaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  heartbeatMs: number;
  /** /healthz reports the back as missing when no instance was seen for this long. */
  staleMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** One line per setting: what the README documents, and what the error messages quote. */
export const settings = {
  DATABASE_URL: 'PostgreSQL URL; unset = embedded PostgreSQL under CRONWATCH_DATA_DIR',
  CRONWATCH_DATA_DIR: 'directory of the embedded PostgreSQL (default ./.cronwatch)',
  DATABASE_POOL_MAX: 'connections per process, 1-1000 (default 10)',
  HOST: 'listen address (default: all interfaces)',
  PORT: 'listen port, 0-65535 (default 8080)',
  TRUST_PROXY: 'comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent (default info)',
  LOG_FORMAT: 'json or pretty (default: pretty on a terminal, json otherwise)',
  GRACE_PERCENT: 'grace as a percentage of the frequency, 0-1000 (default 10)',
  GRACE_MIN_SECONDS: 'smallest grace in seconds (default 60)',
  GRACE_MAX_SECONDS: 'largest grace in seconds (default 3600)',
  SHUTDOWN_TIMEOUT_SECONDS: 'how long a stop waits for in-flight requests (default 10)',
  BODY_LIMIT_BYTES: 'largest accepted request body, 1024-10485760 (default 102400)',
  API_RATE_LIMIT:
    'Management API requests per minute per key (per address without a valid key); 0 = no limit (default 600)',
  PUBLIC_URL:
    'the address people reach cronwatch at, for links in alerts (e.g. https://cron.example.com)',
  SESSION_HOURS: 'how long a dashboard sign-in lasts, in hours, 1-8760 (default 12)',
  SMTP_URL: 'SMTP server for email alerts: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465',
  SMTP_FROM: 'sender of email alerts (default cronwatch@<host name>)',
  SLACK_WEBHOOK_URL: 'Slack incoming-webhook URL that gets every alert (as gocron slackhookurl)',
  SLACK_CHANNEL: 'Slack channel for SLACK_WEBHOOK_URL (as gocron slackchannel)',
  SWEEP_BATCH_SIZE: 'overdue checks claimed per sweep transaction, 1-10000 (default 500)',
  BACK_MAX_SLEEP_SECONDS: 'longest sleep of the back between looks at deadlines, 1-60 (default 5)',
  DISPATCH_CONCURRENCY: 'deliveries in flight per back instance, 1-1000 (default 64)',
  DISPATCH_TIMEOUT_SECONDS: 'time limit of one delivery attempt, 1-300 (default 10)',
  DISPATCH_LEASE_SECONDS:
    'how long a claimed notification is hidden from other instances (default 60)',
  DISPATCH_MAX_ATTEMPTS: 'delivery attempts before a notification is dead, 1-100 (default 10)',
  RETRY_BASE_SECONDS: 'first retry delay, doubled each attempt, with jitter (default 30)',
  RETRY_MAX_SECONDS: 'longest retry delay (default 3600)',
  BACK_STALE_SECONDS: '/healthz fails when no back instance was seen for this long (default 60)',
  SUMMARY_CRON:
    'when the back sends the weekly report, cron syntax (default "0 9 * * 1"; empty = never)',
  SUMMARY_TZ: 'IANA time zone of SUMMARY_CRON (default UTC)',
  SUMMARY_EMAIL: 'comma-separated addresses that get the summary and weekly report by email',
  PING_BODY_LIMIT_BYTES:
    'ping request bodies are stored up to this size, cut beyond (default 100000)',
  PING_KEEP: 'newest pings kept per check, 1-100000 (default 100)',
  CRONWATCH_URL:
    'for `cronwatch exec --uuid/--slug`: where cronwatch answers (default for --base-url)',
  CRONWATCH_PING_KEY: 'for `cronwatch exec --slug`: the account ping key (default for --ping-key)',
  PING_CREATE_LIMIT:
    'most checks per account when a slug ping with ?create=1 adds one (default 1000)',
  METRICS_TOKEN:
    'when set, GET /metrics needs `Authorization: Bearer <token>` (16-200 printable characters); unset = open',
  BACK_METRICS_PORT:
    'when set, `cronwatch back` serves /metrics on this port (on HOST), 0-65535; unset = off',
  GOCRON_CREATE_ACCOUNTS:
    'whether a gocron check-in of an unknown account creates it, true or false (default true, as gocron)',
  OUTBOUND_ALLOW_PRIVATE:
    '1 lets job calls and webhooks reach loopback and private addresses (10/8, 192.168/16, …); metadata and link-local stay refused (default 0)',
  JOBS_CONCURRENCY: 'job attempts in flight per back instance, 1-10000 (default 256)',
  JOB_RUNS_KEEP: 'newest runs kept per job, 1-100000 (default 1000)',
  SHELL_CHANNELS:
    '1 allows `shell` channels, which run a command on the back host for each alert (default 0)',
  NOTIFY_RATE_LIMIT:
    'messages per minute to one chat destination (Telegram chat, Discord webhook, …) before the rest are folded into one digest; 0 = no limit (default 6)',
  PING_SMTP_PORT:
    'when set, the front receives email check-ins on this SMTP port (on HOST); unset = off',
  PING_EMAIL_DOMAIN: 'mail to <uuid>@PING_EMAIL_DOMAIN is a ping (required with PING_SMTP_PORT)',
  PING_EMAIL_MAX_BYTES: 'largest check-in email accepted, 1024-10485760 bytes (default 1048576)',
  PING_EMAIL_FILTER:
    'where email check-ins are searched for keywords: subject, body or subject,body; empty = every email is a success (default)',
  PING_EMAIL_SUCCESS_KW: 'comma-separated words that make a filtered email a success',
  PING_EMAIL_FAILURE_KW:
    'comma-separated words that make a filtered email a failure (looked for first)',
  PING_EMAIL_START_KW: 'comma-separated words that make a filtered email a start',
} as const;

type Name = keyof typeof settings;

function fail(name: Name, value: string, allowed: string): never {
  throw new ConfigError(`${name}=${JSON.stringify(value)} is not valid: ${allowed}`);
}

function integer(env: Env, name: Name, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    fail(name, raw, `expected a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

function oneOf<T extends string>(env: Env, name: Name, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(text))
    fail(name, raw, `expected one of ${allowed.join(', ')}`);
  return text as T;
}

function flag(env: Env, name: Name, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  fail(name, raw, 'expected true or false');
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    // A libpq host list (h1:5432,h2:5432, for a failover formation) is checked host by host.
    url = new URL(parseHosts(raw.trim()).urls[0]!);
  } catch (err) {
    const why = (err as Error).message.startsWith('target_session_attrs')
      ? (err as Error).message
      : 'expected a URL such as postgres://user:pass@host:5432/db';
    fail('DATABASE_URL', redact(raw), why);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    fail('DATABASE_URL', redact(raw), 'expected a postgres:// or postgresql:// URL');
  }
  return raw.trim();
}

/** Never print a password from a URL in an error message or a log line. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Unparseable: hide everything from the user's ':' to the last '@' (a password may
    // itself hold '/', ':' or '@').
    return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:).*@/i, '$1***@');
  }
}

// A proxy entry is an address, a CIDR, or one of proxy-addr's names.
const proxyNames = ['loopback', 'linklocal', 'uniquelocal'];
function trustProxy(env: Env): string[] {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw.trim() === '') return [];
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split('/');
    const okAddr = proxyNames.includes(entry) || (addr !== undefined && isIP(addr) !== 0);
    const okBits =
      bits === undefined ||
      (/^\d+$/.test(bits) && Number(bits) <= (isIP(addr ?? '') === 6 ? 128 : 32));
    if (!okAddr || !okBits || extra !== undefined) {
      fail(
        'TRUST_PROXY',
        raw,
        `"${entry}" is not an IP address, a CIDR, or one of ${proxyNames.join(', ')}`,
      );
    }
  }
  return entries;
}

function host(env: Env): string | undefined {
  const raw = env.HOST;
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (isIP(text) === 0 && !/^[a-zA-Z0-9.-]{1,253}$/.test(text)) {
    fail('HOST', raw, 'expected an IP address or a host name');
  }
  return text;
}

/**
 * Reads a `.env` file from the working directory when there is one (variables already set
 * in the environment win), then parses every setting.
 */
export function loadConfig(
  env: Env = readEnvironment(),
  isTty = Boolean(process.stdout.isTTY),
): Config {
  const grace: GracePolicy = {
    percent: integer(env, 'GRACE_PERCENT', 10, 0, 1000),
    minSeconds: integer(env, 'GRACE_MIN_SECONDS', 60, 0, 31_536_000),
    maxSeconds: integer(env, 'GRACE_MAX_SECONDS', 3600, 0, 31_536_000),
  };
  if (grace.minSeconds > grace.maxSeconds) {
    fail(
      'GRACE_MIN_SECONDS',
      String(grace.minSeconds),
      `must not exceed GRACE_MAX_SECONDS (${grace.maxSeconds})`,
    );
  }
  const config: Config = {
    databaseUrl: databaseUrl(env),
    dataDir: path.resolve(env.CRONWATCH_DATA_DIR?.trim() || '.cronwatch'),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 1000),
    host: host(env),
    port: integer(env, 'PORT', 8080, 0, 65535),
    trustProxy: trustProxy(env),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'info',
    ),
    logFormat: oneOf<LogFormat>(env, 'LOG_FORMAT', ['json', 'pretty'], isTty ? 'pretty' : 'json'),
    grace,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 0, 3600) * 1000,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 102_400, 1024, 10_485_760),
    apiRateLimit: integer(env, 'API_RATE_LIMIT', 600, 0, 1_000_000),
    publicUrl: optionalUrl(env, 'PUBLIC_URL', ['http', 'https'])?.replace(/\/+$/, ''),
    sessionHours: integer(env, 'SESSION_HOURS', 12, 1, 8760),
    smtp: smtp(env),
    slack: slack(env),
    back: backConfig(env),
    summary: summaryConfig(env),
    pings: {
      bodyLimitBytes: integer(env, 'PING_BODY_LIMIT_BYTES', 100_000, 0, 10_485_760),
      keep: integer(env, 'PING_KEEP', 100, 1, 100_000),
      createLimit: integer(env, 'PING_CREATE_LIMIT', 1000, 0, 1_000_000),
    },
    metrics: metricsConfig(env),
    gocronCreateAccounts: flag(env, 'GOCRON_CREATE_ACCOUNTS', true),
    outboundAllowPrivate: oneOf(env, 'OUTBOUND_ALLOW_PRIVATE', ['0', '1'], '0') === '1',
    jobsConcurrency: integer(env, 'JOBS_CONCURRENCY', 256, 1, 10_000),
    jobRunsKeep: integer(env, 'JOB_RUNS_KEEP', 1000, 1, 100_000),
    shellChannels:
      oneOf(env, 'SHELL_CHANNELS', ['0', '1'], '0') === '1' ? shellBase(env) : undefined,
    notifyRateLimit: integer(env, 'NOTIFY_RATE_LIMIT', 6, 0, 10_000),
    pingEmail: pingEmailConfig(env),
  };
  return Object.freeze(config);
}

/** What a shell channel's command inherits: PATH, HOME and LANG, no secret of cronwatch's. */
function shellBase(env: Env): { env: Record<string, string> } {
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG']) if (env[k]) base[k] = env[k];
  return { env: base };
}

function pingEmailConfig(env: Env): PingEmailConfig | undefined {
  if (text(env, 'PING_SMTP_PORT') === undefined) return undefined;
  const domain = text(env, 'PING_EMAIL_DOMAIN');
  if (!domain || !/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/i.test(domain))
    fail(
      'PING_EMAIL_DOMAIN',
      domain ?? '',
      'expected a mail domain such as ping.example.com (PING_SMTP_PORT is set)',
    );
  const where = (text(env, 'PING_EMAIL_FILTER') ?? '')
    .toLowerCase()
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  for (const w of where)
    if (w !== 'subject' && w !== 'body')
      fail(
        'PING_EMAIL_FILTER',
        env.PING_EMAIL_FILTER ?? '',
        'expected subject, body or subject,body',
      );
  return {
    port: integer(env, 'PING_SMTP_PORT', 0, 0, 65535),
    domain: domain.toLowerCase(),
    maxBytes: integer(env, 'PING_EMAIL_MAX_BYTES', 1_048_576, 1024, 10_485_760),
    filter: { subject: where.includes('subject'), body: where.includes('body') },
    successKw: text(env, 'PING_EMAIL_SUCCESS_KW') ?? '',
    failureKw: text(env, 'PING_EMAIL_FAILURE_KW') ?? '',
    startKw: text(env, 'PING_EMAIL_START_KW') ?? '',
  };
}

function optionalUrl(env: Env, name: Name, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    fail(name, redact(raw), `expected a URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(url.protocol.slice(0, -1)))
    fail(name, redact(raw), `expected a ${protocols.join(' or ')} URL`);
  return raw.trim();
}

function text(env: Env, name: Name): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function smtp(env: Env): Config['smtp'] {
  const url = optionalUrl(env, 'SMTP_URL', ['smtp', 'smtps']);
  if (!url) return undefined;
  const from = text(env, 'SMTP_FROM') ?? `cronwatch@${os.hostname()}`;
  return { url, from };
}

function slack(env: Env): Config['slack'] {
  const webhookUrl = optionalUrl(env, 'SLACK_WEBHOOK_URL', ['https', 'http']);
  return webhookUrl ? { webhookUrl, channel: text(env, 'SLACK_CHANNEL') } : undefined;
}

function summaryConfig(env: Env): SummaryConfig {
  // Unset means the default schedule; set to empty means no weekly report.
  const raw = env.SUMMARY_CRON;
  const cron = raw === undefined ? '0 9 * * 1' : raw.trim() || undefined;
  if (cron !== undefined && !validateCron(cron)) {
    fail(
      'SUMMARY_CRON',
      raw ?? '',
      'expected a cron expression such as "0 9 * * 1", or empty for no report',
    );
  }
  const timezone = text(env, 'SUMMARY_TZ') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    fail('SUMMARY_TZ', timezone, 'expected an IANA time zone such as Europe/Berlin');
  }
  const emails = (text(env, 'SUMMARY_EMAIL') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of emails)
    if (!/^[^\s@]+@[^\s@]+$/.test(e))
      fail('SUMMARY_EMAIL', e, 'expected email addresses separated by commas');
  return { cron, timezone, emails };
}

function metricsConfig(env: Env): MetricsConfig {
  const token = text(env, 'METRICS_TOKEN');
  // A short token could be guessed: /metrics has no rate limit.
  if (token !== undefined && !/^[\x21-\x7e]{16,200}$/.test(token)) {
    fail(
      'METRICS_TOKEN',
      '***',
      'expected 16-200 printable ASCII characters without spaces (e.g. `openssl rand -hex 32`)',
    );
  }
  const port = text(env, 'BACK_METRICS_PORT');
  return {
    token,
    backPort: port === undefined ? undefined : integer(env, 'BACK_METRICS_PORT', 0, 0, 65535),
  };
}

function backConfig(env: Env): BackConfig {
  const back: BackConfig = {
    sweepBatch: integer(env, 'SWEEP_BATCH_SIZE', 500, 1, 10_000),
    maxSleepMs: integer(env, 'BACK_MAX_SLEEP_SECONDS', 5, 1, 60) * 1000,
    dispatchConcurrency: integer(env, 'DISPATCH_CONCURRENCY', 64, 1, 1000),
    dispatchTimeoutMs: integer(env, 'DISPATCH_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
    dispatchLeaseMs: integer(env, 'DISPATCH_LEASE_SECONDS', 60, 2, 3600) * 1000,
    maxAttempts: integer(env, 'DISPATCH_MAX_ATTEMPTS', 10, 1, 100),
    retryBaseMs: integer(env, 'RETRY_BASE_SECONDS', 30, 1, 86_400) * 1000,
    retryMaxMs: integer(env, 'RETRY_MAX_SECONDS', 3600, 1, 604_800) * 1000,
    heartbeatMs: 10_000,
    staleMs: integer(env, 'BACK_STALE_SECONDS', 60, 15, 86_400) * 1000,
  };
  // A lease shorter than an attempt (the transport's timeout plus the 1 s guard around it)
  // would let a second instance send while the first still is.
  if (back.dispatchLeaseMs <= back.dispatchTimeoutMs + 1000) {
    fail(
      'DISPATCH_LEASE_SECONDS',
      String(back.dispatchLeaseMs / 1000),
      `must exceed DISPATCH_TIMEOUT_SECONDS + 1 (${back.dispatchTimeoutMs / 1000 + 1})`,
    );
  }
  return back;
}

/** Where each setting read from a file came from (the rest came from the environment). */
const fromFile = new Map<string, string>();

/**
 * Adds the settings of an env file (KEY=value lines) that the environment does not set:
 * `cronwatch --settings /etc/cronwatch/cronwatch.env …` reads what the systemd service reads.
 */
export function loadEnvFile(file: string): void {
  const before = new Set(Object.keys(process.env));
  // Node's own loader: values already in the environment are kept.
  process.loadEnvFile(file);
  for (const name of Object.keys(process.env))
    if (!before.has(name) && !fromFile.has(name)) fromFile.set(name, path.resolve(file));
}

/** Where a setting's value came from, for messages: a file, "the environment", or undefined. */
export function settingSource(name: Name): string | undefined {
  if (fromFile.has(name)) return fromFile.get(name);
  return text(process.env, name) === undefined ? undefined : 'the environment';
}

function readEnvironment(): Env {
  const file = path.resolve('.env');
  if (existsSync(file)) loadEnvFile(file);
  return process.env;
}

/**
 * `cronwatch exec` reads only its own two settings: a bad value elsewhere in a crontab's
 * environment (say PORT) must not stop the wrapped job from running.
 */
export function execDefaults(env: Env = readEnvironment()): { baseUrl?: string; pingKey?: string } {
  return {
    ...(text(env, 'CRONWATCH_URL') ? { baseUrl: text(env, 'CRONWATCH_URL') } : {}),
    ...(text(env, 'CRONWATCH_PING_KEY') ? { pingKey: text(env, 'CRONWATCH_PING_KEY') } : {}),
  };
}

/** Where cronwatch answers, without a trailing slash: PUBLIC_URL, or this machine's port. */
export function publicBase(config: Pick<Config, 'publicUrl' | 'port'>): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}
