import http from 'node:http';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export interface Listening {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then drops the rest. */
  close(): Promise<void>;
}

export interface Bound extends Listening {
  /** Hands the requests to `handler`; until then they are answered 503 "starting". */
  serve(handler: http.RequestListener): void;
}

export async function listen(
  handler: http.RequestListener,
  config: Config,
  logger: Logger,
): Promise<Listening> {
  const bound = await bind(config, logger);
  bound.serve(handler);
  return bound;
}

/**
 * Binds the port before anything else starts: a second `cronwatch start` on a busy port
 * used to start its back (and send alerts) before failing on EADDRINUSE.
 */
export async function bind(config: Config, logger: Logger): Promise<Bound> {
  let handler: http.RequestListener | undefined;
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 15_000 });
  // A stop must not wait for keep-alive clients: server.close() only closes the connections
  // idle at that moment, so a connection whose request was in flight stayed open after its
  // response and held the stop until shutdownTimeoutMs. While closing, responses not yet
  // sent say `Connection: close`, and connections are closed as their responses finish.
  let closing = false;
  const answering = new Set<http.ServerResponse>();
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    answering.add(res);
    if (closing) res.setHeader('Connection', 'close');
    res.once('finish', () => closing && server.closeIdleConnections());
    res.once('close', () => answering.delete(res));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (handler) return handler(req, res);
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '2' });
    res.end('cronwatch is starting\n');
  });
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
    serve: (h) => void (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of answering) if (!res.headersSent) res.setHeader('Connection', 'close');
        const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
