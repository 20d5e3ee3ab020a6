// The jobs engine's Prometheus metrics (issue 12 "Metrics"): ticks by final state (dead ones
// included), lateness of first attempts, attempts. In the process's registry, as the back's
// other metrics (src/back/metrics.ts).
import { Counter, Histogram } from 'prom-client';
import { FINAL_STATES, type FinalState } from '../domain/job-retry.js';
import type { Registry } from '../metrics/registry.js';

export interface JobMetrics {
  ended(states: FinalState[]): void;
  /** Attempts started; `lateMs` for first attempts of scheduled ticks. */
  started(count: number, lateMs: number[]): void;
}

export function jobMetrics(registry: Registry): JobMetrics {
  const ticks = new Counter({
    name: 'cronwatch_job_ticks_total',
    help: 'Job ticks that reached a final state, by state (dead: a dead letter to redrive)',
    labelNames: ['state'],
    registers: [registry],
  });
  for (const s of FINAL_STATES) ticks.labels(s).inc(0);
  const lateness = new Histogram({
    name: 'cronwatch_job_lateness_seconds',
    help: 'First attempt start minus scheduled_for, on database time',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'cronwatch_job_attempts_total',
    help: 'Job attempts started (retries and re-attempts after a lost lease included)',
    registers: [registry],
  });
  return {
    ended(states) {
      for (const s of states) ticks.labels(s).inc();
    },
    started(count, lateMs) {
      attempts.inc(count);
      for (const ms of lateMs) lateness.observe(Math.max(0, ms) / 1000);
    },
  };
}
