import { createRegistry } from '../metrics/registry.js';
import { startBack } from './back.js';
import { startFront } from './front.js';
import { openRuntime, StopOnSignal } from './runtime.js';

export interface Roles {
  front: boolean;
  back: boolean;
}

/**
 * `start` (front + back, migrates first), `front`, `back`. On SIGTERM: stop accepting,
 * finish in-flight requests and the batch in hand, close the pool, stop an embedded server.
 */
export async function runRoles(roles: Roles): Promise<void> {
  const signals = new StopOnSignal();
  const rt = await openRuntime({ migrate: roles.front && roles.back });
  let back: Awaited<ReturnType<typeof startBack>> | undefined;
  let front: Awaited<ReturnType<typeof startFront>> | undefined;
  // One registry per process: under `start`, the front's /metrics shows the back's too.
  const registry = createRegistry();
  try {
    // Back first: its heartbeat is written before /healthz can be asked about it.
    if (roles.back) back = await startBack(rt, registry, !roles.front);
    if (roles.front) front = await startFront(rt, registry);
  } catch (err) {
    await back?.stop();
    await rt.close();
    throw err;
  }
  signals.ready(rt.logger, rt.config.shutdownTimeoutMs + 5000, async () => {
    await Promise.all([front?.close(), back?.stop()]);
    await rt.close();
  });
}
