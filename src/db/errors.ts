// Which database errors mean "the database is not there right now" (a restart, a crash, a
// failover in progress) rather than "this request is wrong". Those are answered 503 with
// Retry-After instead of 500, and the loops simply try again: nothing about them is a bug.

// SQLSTATE classes and codes: 08 connection exception, 57P01 admin_shutdown (pg_ctl stop or
// restart -m fast), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in
// recovery), 53300 too_many_connections, 25006 read_only_sql_transaction (a session still
// on a demoted primary during a failover).
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);
// Socket-level failures, as node reports them.
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// node-postgres's own errors carry no code, only these messages.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Connection ended',
];

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code))
      return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m)))
    return true;
  // AggregateError (a multi-host URL where every host refused) and wrapped causes.
  const { errors, cause } = err as { errors?: unknown; cause?: unknown };
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable))
    return true;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}

/** Seconds a client should wait before trying again while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;
