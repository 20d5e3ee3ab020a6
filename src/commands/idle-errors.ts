// What an idle pool client losing its server is worth saying. PostgreSQL ending every session
// (its stop or restart, or a Ctrl-C that reached it too) fails each idle client at once: each
// was a warning with a full pg stack trace, a screenful on every shutdown.
import type { Logger } from '../log.js';

/** After one warning, the other losses of the same burst are logged at debug only. */
export const IDLE_ERROR_QUIET_MS = 60_000;

function fieldsOf(err: Error): { code: unknown; reason: string } {
  return { code: (err as { code?: unknown }).code, reason: err.message };
}

/** A LISTEN connection's loss: expected while stopping (debug), a warning otherwise. */
export function listenErrorLog(
  logger: Logger,
  stopping: () => boolean,
  message: string,
): (err: Error) => void {
  return (err) => {
    if (stopping()) logger.debug(fieldsOf(err), `${message} (stopping)`);
    else logger.warn({ err }, message);
  };
}

/**
 * The pool's idle-error handler: at debug while the process is stopping (expected then);
 * otherwise one warning a burst, one line without a stack (the pool reconnects by itself).
 */
export function idleErrorLog(
  logger: Logger,
  stopping: () => boolean,
  clock: () => number = Date.now,
): (err: Error) => void {
  let warnedAt = -Infinity;
  return (err) => {
    const fields = fieldsOf(err);
    if (stopping()) {
      logger.debug(fields, 'idle database connection closed while stopping');
      return;
    }
    const now = clock();
    if (now - warnedAt < IDLE_ERROR_QUIET_MS) {
      logger.debug(fields, 'idle database connection failed');
      return;
    }
    warnedAt = now;
    logger.warn(fields, 'idle database connection failed; the pool reconnects on its next query');
  };
}
