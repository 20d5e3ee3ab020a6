import { publicBase, type Config } from '../config.js';
import { createRegistry } from '../metrics/registry.js';
import { startBack } from './back.js';
import { startFront } from './front.js';
import { bind, type Bound } from './listen.js';
import { baseRuntime, openRuntime, StopOnSignal } from './runtime.js';

export interface Roles {
  front: boolean;
  back: boolean;
}

/**
 * `start` (front + back, migrates first), `front`, `back`. On SIGTERM, SIGINT or SIGHUP:
 * stop accepting, finish in-flight requests and the batch in hand, close the pool, stop an
 * embedded server.
 */
export async function runRoles(roles: Roles): Promise<void> {
  const signals = new StopOnSignal();
  const base = baseRuntime();
  // The port first: a busy port must stop the start before the database or the back does
  // anything (a second `cronwatch start` sent alerts before failing on EADDRINUSE).
  const bound = roles.front ? await bind(base.config, base.logger) : undefined;
  let rt: Awaited<ReturnType<typeof openRuntime>>;
  try {
    const stopping = () => signals.stopping;
    rt = await openRuntime({ migrate: roles.front && roles.back, stopping }, base);
  } catch (err) {
    await bound?.close();
    throw err;
  }
  let back: Awaited<ReturnType<typeof startBack>> | undefined;
  // One registry per process: under `start`, the front's /metrics shows the back's too.
  const registry = createRegistry();
  try {
    // Back first: its heartbeat is written before /healthz can be asked about it.
    if (roles.back) back = await startBack(rt, registry, !roles.front);
  } catch (err) {
    await bound?.close();
    await rt.close();
    throw err;
  }
  let front: Awaited<ReturnType<typeof startFront>> | undefined;
  try {
    front = bound && (await startFront(rt, registry, bound));
  } catch (err) {
    // PING_SMTP_PORT busy: stop as a busy PORT does, with nothing left running.
    await Promise.all([bound?.close(), back?.stop()]);
    await rt.close();
    throw err;
  }
  if (bound) rt.logger.info(readyMessage(rt.config, bound, roles.back));
  signals.ready(rt.logger, rt.config.shutdownTimeoutMs + 5000, async () => {
    await Promise.all([front?.close(), back?.stop()]);
    await rt.close();
  });
}

/** Said once when the front is ready: where to go, and the first command to run. */
export function readyMessage(
  config: Config,
  bound: Pick<Bound, 'port'>,
  withBack: boolean,
): string {
  const url = publicBase({ ...config, port: bound.port });
  const lines = [
    `cronwatch is ready at ${url}${withBack ? '' : ' (front only: run `cronwatch back` for alerts)'}`,
    `  dashboard:  ${url}/dashboard`,
    `  first step: npx cronwatch account create <name>   (prints the API key you sign in with)`,
    `  ping URLs:  ${url}/ping/<uuid>, or gocron's ${url}/?cronname=…&account=…`,
  ];
  return lines.join('\n');
}
