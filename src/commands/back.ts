import type { BackDeps } from '../back/deps.js';
import { instanceId, startHeartbeat } from '../back/heartbeat.js';
import { scheduleWeeklyReport } from '../back/summary.js';
import { startDispatcher, startPeriodic, startSweeper } from '../back/loops.js';
import { backMetrics } from '../back/metrics.js';
import { pruneOnce } from '../back/prune.js';
import { jobMetrics } from '../back/job-metrics.js';
import { startTrigger } from '../back/trigger-loop.js';
import { JOBS_CHANNEL } from '../db/jobs.js';
import { outboundClient } from '../outbound/client.js';
import { actionState } from '../back/action-state.js';
import { listen } from '../db/listen.js';
import { NOTIFY_CHANNEL } from '../db/notifications.js';
import { metricsListener, type Registry } from '../metrics/registry.js';
import { createTransports } from '../notify/transports.js';
import { listen as listenHttp, type Listening } from './listen.js';
import { listenErrorLog } from './idle-errors.js';
import type { Runtime } from './runtime.js';

export interface Back {
  stop(): Promise<void>;
}

/**
 * The back role: heartbeat, sweeper, dispatcher, woken by NOTIFY from any process. Its
 * metrics go to `registry`; `serveMetrics` (a back on its own) serves them on BACK_METRICS_PORT.
 */
export async function startBack(
  rt: Runtime,
  registry: Registry,
  serveMetrics: boolean,
): Promise<Back> {
  const transports = createTransports(rt.config);
  const deps: BackDeps = {
    pool: rt.pool,
    config: rt.config,
    logger: rt.logger.child({ role: 'back' }),
    transports,
    clock: () => new Date(),
    random: Math.random,
    metrics: backMetrics(registry),
  };
  if (!rt.config.smtp) deps.logger.warn('SMTP_URL is not set: email alerts will be marked dead');
  // First: a port in use stops the start before any loop runs.
  const { token, backPort } = rt.config.metrics;
  let metricsServer: Listening | undefined;
  if (serveMetrics && backPort !== undefined) {
    const log = deps.logger.child({ server: 'metrics' });
    metricsServer = await listenHttp(
      metricsListener(registry, token, (err) => log.error({ err }, 'metrics failed')),
      { ...rt.config, port: backPort },
      log,
    );
  }
  const instance = instanceId();
  const heartbeat = await startHeartbeat(deps, instance);
  const weekly = scheduleWeeklyReport(deps, instance);
  const dispatcher = startDispatcher(deps);
  const sweeper = startSweeper(deps, () => dispatcher.wake());
  // Keep the newest PING_KEEP pings per check and JOB_RUNS_KEEP runs per job; every ~10
  // minutes is plenty.
  const pruner = startPeriodic(deps, 'pruning', 60_000, 600_000, () => pruneOnce(deps));
  const listener = listen(
    () => rt.database.url,
    NOTIFY_CHANNEL,
    () => dispatcher.wake(),
    listenErrorLog(deps.logger, rt.stopping, 'LISTEN connection failed; reconnecting'),
  );
  const outbound = outboundClient({ allowPrivate: rt.config.outboundAllowPrivate });
  const trigger = startTrigger({
    ...deps,
    actions: { outbound, state: actionState(deps.pool, deps.clock) },
    jobMetrics: jobMetrics(registry),
  });
  const jobsListener = listen(
    rt.database.url,
    JOBS_CHANNEL,
    () => trigger.wake(),
    listenErrorLog(deps.logger, rt.stopping, 'LISTEN connection (jobs) failed; reconnecting'),
  );
  deps.logger.info('back role started');
  return {
    async stop() {
      await metricsServer?.close();
      await weekly?.stop();
      await listener.close();
      await jobsListener.close();
      await trigger.stop();
      outbound.close();
      await pruner.stop();
      await sweeper.stop();
      await dispatcher.stop();
      await heartbeat.stop();
      for (const t of Object.values(transports)) t.close?.();
    },
  };
}
