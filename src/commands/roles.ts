import { startBack } from './back.js';
import { startFront } from './front.js';
import { openRuntime, stopOnSignal } from './runtime.js';

export interface Roles {
  front: boolean;
  back: boolean;
}

/**
 * `start` (front + back, migrates first), `front`, `back`. On SIGTERM: stop accepting,
 * finish in-flight requests and the batch in hand, close the pool, stop an embedded server.
 */
export async function runRoles(roles: Roles): Promise<void> {
  const rt = await openRuntime({ migrate: roles.front && roles.back });
  try {
    // Back first: its heartbeat is written before /healthz can be asked about it.
    const back = roles.back ? await startBack(rt) : undefined;
    const front = roles.front ? await startFront(rt) : undefined;
    stopOnSignal(rt.logger, rt.config.shutdownTimeoutMs + 5000, async () => {
      await Promise.all([front?.close(), back?.stop()]);
      await rt.close();
    });
  } catch (err) {
    await rt.close();
    throw err;
  }
}
