import http from 'node:http';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export interface Listening {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then drops the rest. */
  close(): Promise<void>;
}

export async function listen(
  handler: http.RequestListener,
  config: Config,
  logger: Logger,
): Promise<Listening> {
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, handler);
  // Longer than the usual load balancer idle timeout (60 s), so the balancer closes first
  // and never sends a request on a connection we are closing.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ host: config.host ?? 'all interfaces', port }, 'listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
