import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

interface RequestLog {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/**
 * A log entry's message on a terminal. A request log (pino-http's, URL already redacted) is
 * "GET /path 200 3 ms": pino-pretty printed its headers, one per line, about 25 lines a
 * request, which buried everything else.
 */
export function terminalMessage(log: Record<string, unknown>, messageKey: string): string {
  const { req, res, responseTime } = log as RequestLog;
  const message = log[messageKey];
  if (!req?.method || res?.statusCode === undefined)
    return message === undefined ? '' : String(message);
  const ms = responseTime === undefined ? '' : ` ${Math.round(responseTime)} ms`;
  return `${req.method} ${req.url ?? ''} ${res.statusCode}${ms}`;
}

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  // One JSON object per line for journald and log shippers, every field kept.
  if (config.logFormat !== 'pretty') return pino({ level: config.logLevel });
  // Readable on a terminal. In this process rather than as a transport: a worker thread
  // cannot take the message function. Synchronous, so the last lines before an exit are
  // written; a terminal keeps up.
  return pino(
    { level: config.logLevel },
    pretty({
      colorize: true,
      sync: true,
      // The request's fields are in its one-line message; other entries keep their fields.
      ignore: 'hostname,reqId,req,res,responseTime',
      messageFormat: terminalMessage,
    }),
  );
}
