import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  return pino({
    level: config.logLevel,
    // Readable on a terminal, one JSON object per line for journald and log shippers.
    transport:
      config.logFormat === 'pretty'
        ? { target: 'pino-pretty', options: { colorize: true } }
        : undefined,
  });
}
