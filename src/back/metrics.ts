// The back's Prometheus metrics (README "Metrics"): how long sweeps and deliveries take, and
// how many deliveries fail, per transport. They land in the process's registry: /metrics of
// the front under `cronwatch start`, BACK_METRICS_PORT under `cronwatch back`.
import { Counter, Histogram } from 'prom-client';
import type { TransportKind } from '../db/notifications.js';
import { CHANNEL_KINDS } from '../domain/channel-spec.js';
import type { Registry } from '../metrics/registry.js';

const TRANSPORTS: readonly TransportKind[] = CHANNEL_KINDS;

export interface BackMetrics {
  sweepSeconds: Histogram;
  /**
   * Starts timing one delivery attempt; the returned function ends it, once (later calls do
   * nothing): ok = the transport took the message, false = the attempt failed.
   */
  delivery(transport: TransportKind): (ok: boolean) => void;
}

export function backMetrics(registry: Registry): BackMetrics {
  const sweepSeconds = new Histogram({
    name: 'cronwatch_sweep_duration_seconds',
    help: 'Duration of one sweep pass (claim overdue checks, mark them down, write alerts)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'cronwatch_dispatch_duration_seconds',
    help: 'Duration of one delivery attempt of an alert, by transport',
    labelNames: ['transport'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'cronwatch_dispatch_failures_total',
    help: 'Delivery attempts that failed (retried later, or the notification is dead), by transport',
    labelNames: ['transport'],
    registers: [registry],
  });
  // Every transport shows from the start (at 0), so rate() has a series before the first failure.
  const children = new Map(
    TRANSPORTS.map((t) => [t, { seconds: seconds.labels(t), failures: failures.labels(t) }]),
  );
  for (const t of TRANSPORTS) {
    seconds.zero({ transport: t });
    failures.labels(t).inc(0);
  }
  return {
    sweepSeconds,
    delivery(transport) {
      const child = children.get(transport) ?? {
        seconds: seconds.labels(transport),
        failures: failures.labels(transport),
      };
      const started = performance.now();
      let done = false;
      return (ok) => {
        if (done) return;
        done = true;
        child.seconds.observe((performance.now() - started) / 1000);
        if (!ok) child.failures.inc();
      };
    },
  };
}
