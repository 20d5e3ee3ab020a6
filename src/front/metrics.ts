// The front's Prometheus metrics (README "Metrics"): pings answered and their latency, counted
// around the ping routes in createApp; the checks and notifications gauges, read from the
// database at scrape time; and the routes GET /metrics and GET /metrics/<api key>.
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';
import {
  accountMetricChecks,
  countChecksByStatus,
  countNotifications,
  readLags,
  type Lags,
  startedCronChecks,
} from '../db/metrics.js';
import type { ApiStatus } from '../domain/api-shapes.js';
import { hcMetricsText } from '../domain/hc-metrics.js';
import { countRunningCron } from '../domain/running-cron.js';
import { serveMetrics, type Registry } from '../metrics/registry.js';
import { apiKeyAuth, authOf } from './api/auth.js';
import { methodNotAllowed } from './api/params.js';
import { apiRateLimit } from './api/rate-limit.js';
import type { FrontDeps } from './deps.js';
import { HttpError } from './errors.js';
import { pingPath } from './ping.js';
import { sendText } from './http.js';

const KINDS = ['success', 'start', 'fail', 'log', 'exitcode', 'gocron', 'other'] as const;
/** The kind label of cronwatch_pings_received_total; `other` is a ping URL that is not one. */
export type PingMetricKind = (typeof KINDS)[number];
const CODES = ['2xx', '4xx', '5xx'] as const;

/**
 * The kind of a /ping/… URL, read as front/ping.ts reads it: /ping/<uuid>[/<suffix>] or
 * /ping/<ping key>/<slug>[/<suffix>] (so a slug named "start" is a success ping).
 */
export function pingKindOf(pathname: string): PingMetricKind {
  const path = pingPath(pathname);
  if (!path) return 'other';
  const suffix = path.suffix;
  if (suffix === undefined) return 'success';
  if (suffix === 'start' || suffix === 'fail' || suffix === 'log') return suffix;
  return /^\d+$/.test(suffix) ? 'exitcode' : 'other';
}

// Acknowledgements wait for a group commit: milliseconds normally, seconds when PostgreSQL
// is struggling.
const PING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counts answered pings. Every label combination is made once here: a ping allocates none. */
export class PingMetrics {
  private readonly counters: Map<PingMetricKind, Counter.Internal[]>;
  private readonly latency: Histogram;

  constructor(registry: Registry) {
    const received = new Counter({
      name: 'cronwatch_pings_received_total',
      help: 'Pings answered, by kind and by the class of the answer (2xx: recorded)',
      labelNames: ['kind', 'code'],
      registers: [registry],
    });
    this.counters = new Map(KINDS.map((k) => [k, CODES.map((c) => received.labels(k, c))]));
    // At 0 from the start: rate() and increase() need the series before its first ping.
    for (const byCode of this.counters.values()) for (const child of byCode) child.inc(0);
    this.latency = new Histogram({
      name: 'cronwatch_ping_duration_seconds',
      help: 'Time from a ping request to its answer (the answer waits for the commit)',
      buckets: PING_BUCKETS,
      registers: [registry],
    });
  }

  /** Call on the response's 'finish': `startedMs` is performance.now() at the request. */
  answered(kind: PingMetricKind, status: number, startedMs: number): void {
    const byCode = this.counters.get(kind)!;
    byCode[status < 400 ? 0 : status < 500 ? 1 : 2]!.inc();
    this.latency.observe((performance.now() - startedMs) / 1000);
  }
}

const STATUSES: readonly ApiStatus[] = ['new', 'up', 'grace', 'down', 'paused'];
/** Scrapes within this long of the last database read reuse it (and concurrent ones share it). */
const REUSE_MS = 5000;
/** Notifications counted exactly up to this many rows; beyond, sent is an estimate. */
const COUNT_BOUND = 100_000;

interface StateCounts {
  checks: Record<ApiStatus, number>;
  notifications: Record<'pending' | 'sent' | 'dead', number>;
  lags: Lags;
}

async function readStateCounts(deps: FrontDeps): Promise<StateCounts> {
  const now = deps.clock();
  const checks: Record<ApiStatus, number> = { new: 0, up: 0, grace: 0, down: 0, paused: 0 };
  for (const row of await countChecksByStatus(deps.pool, now)) {
    if (row.status !== 'cron-started') {
      checks[row.status] += row.n;
      continue;
    }
    // Only while cron jobs run: their rows are a second pass over the table.
    const running = countRunningCron(await startedCronChecks(deps.pool, now), now);
    checks.up += running.up;
    checks.grace += running.grace;
  }
  const { pending, sent, dead } = await countNotifications(deps.pool, COUNT_BOUND);
  const lags = await readLags(deps.pool, now);
  return { checks, notifications: { pending, sent, dead }, lags };
}

/**
 * cronwatch_checks{status} and cronwatch_notifications{state}, read when scraped. An open
 * /metrics must not let a client make the database count the checks table at will: one read
 * serves every scrape for REUSE_MS. When the database does not answer, the two gauges are
 * left out of the answer (a scrape still gets the process metrics) and a warning is logged.
 */
export function registerStateGauges(registry: Registry, deps: FrontDeps): void {
  let last: { at: number; counts: Promise<StateCounts> } | undefined;
  const counts = (): Promise<StateCounts> => {
    const at = deps.clock().getTime();
    if (last && at >= last.at && at - last.at < REUSE_MS) return last.counts;
    const read = readStateCounts(deps);
    const entry = { at, counts: read };
    last = entry;
    read.catch(() => {
      if (last === entry) last = undefined;
    });
    return read;
  };
  const gauge = (
    name: string,
    help: string,
    label: string | undefined,
    fill: (g: Gauge, c: StateCounts) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: label ? [label] : [],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          fill(this, await counts());
        } catch (err) {
          deps.logger.warn({ err }, `${name}: cannot read the database; left out of /metrics`);
        }
      },
    });
  gauge(
    'cronwatch_checks',
    'Checks by the status the API shows now (grace: late)',
    'status',
    (g, c) => {
      for (const s of STATUSES) g.set({ status: s }, c.checks[s]);
    },
  );
  gauge(
    'cronwatch_notifications',
    'Alert notifications in the outbox by state (sent is estimated beyond 100,000 rows)',
    'state',
    (g, c) => {
      for (const [state, n] of Object.entries(c.notifications)) g.set({ state }, n);
    },
  );
  // The three to alert on when alerts stop going out (docs/operations.md).
  gauge(
    'cronwatch_notification_oldest_pending_seconds',
    'Age of the oldest alert not yet delivered (0: none pending)',
    undefined,
    (g, c) => g.set(c.lags.oldestPendingSeconds ?? 0),
  );
  gauge(
    'cronwatch_sweep_lag_seconds',
    'How far past its deadline the most overdue check not yet swept is (0: none)',
    undefined,
    (g, c) => g.set(c.lags.sweepLagSeconds ?? 0),
  );
  gauge(
    'cronwatch_back_heartbeat_age_seconds',
    'Seconds since any back instance last wrote its heartbeat (+Inf: none ever ran)',
    undefined,
    // +Inf rather than no value: an unlabelled gauge always shows one, and 0 would say "just now".
    (g, c) => g.set(c.lags.backSeenSeconds ?? Infinity),
  );
}

/** GET /metrics/<api key>: the key's account in healthchecks' format. */
function accountMetrics(deps: FrontDeps): RequestHandler {
  return async (_req, res) => {
    const { accountId } = authOf(res);
    const checks = await accountMetricChecks(deps.pool, accountId);
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    res.type('text/plain; version=0.0.4; charset=utf-8').send(hcMetricsText(checks, deps.clock()));
  };
}

// A scraper reads the status line; a person with curl reads one line of text, not JSON.
const textErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof HttpError) || res.headersSent) return next(err);
  sendText(res, err.status, err.message);
};

/**
 * /metrics (everything of this process, behind METRICS_TOKEN when set) and /metrics/<key>
 * (one account's checks, behind a read or read-write API key of that account; failures count
 * against API_RATE_LIMIT as on the API).
 */
export function metricsRouter(deps: FrontDeps, registry: Registry): Router {
  registerStateGauges(registry, deps);
  const router = Router();
  const auth = apiKeyAuth(deps, apiRateLimit(deps), (req) => (req.params as { key?: string }).key);
  const whole: RequestHandler = (req, res) =>
    serveMetrics(registry, deps.config.metrics.token, req, res);
  router.route('/').get(whole).all(methodNotAllowed('GET, HEAD'));
  router.route('/:key').get(auth('read'), accountMetrics(deps)).all(methodNotAllowed('GET, HEAD'));
  router.use(textErrors);
  return router;
}
