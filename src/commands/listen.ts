import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { InFlight } from './in-flight.js';

/** Node's default: the request line and headers together. */
export const MAX_HEADER_BYTES = 16 * 1024;

// What node answers itself when it cannot parse a request, with a one-line reason as body:
// node's own answers have none, so a check-in with a 100 kB cronname got an empty 431 and
// the user no hint of what was wrong (issue 17, item 18).
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    `request line and headers are larger than ${MAX_HEADER_BYTES} bytes`,
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request took too long to arrive'],
};

/**
 * Node's 'clientError' default, with a text/plain body: closes the connection, and answers
 * only when nothing of a response has been written to it yet (a half-written response
 * followed by another would corrupt what the client reads).
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, phrase, reason] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'Bad Request',
    'malformed HTTP request',
  ];
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${phrase}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * How long a client may take to send its headers and its whole request, and how often node
 * looks for connections past either limit. A slowloris client (headers a byte at a time,
 * never finished) is cut with a 408 once headersTimeoutMs has passed, at the next check.
 * Tests pass short ones; production uses the defaults.
 */
export interface ClientTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  checkIntervalMs: number;
}

export const CLIENT_TIMEOUTS: ClientTimeouts = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  // node's default: a slow client is cut between 15 and 45 s after its first byte.
  checkIntervalMs: 30_000,
};

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
  timeouts: ClientTimeouts = CLIENT_TIMEOUTS,
): Promise<Listening> {
  const bound = await bind(config, logger, timeouts);
  bound.serve(handler);
  return bound;
}

/**
 * Binds the port before anything else starts: a second `cronwatch start` on a busy port
 * used to start its back (and send alerts) before failing on EADDRINUSE.
 */
export async function bind(
  config: Config,
  logger: Logger,
  timeouts: ClientTimeouts = CLIENT_TIMEOUTS,
): Promise<Bound> {
  let handler: http.RequestListener | undefined;
  const server = http.createServer({
    requestTimeout: timeouts.requestTimeoutMs,
    headersTimeout: timeouts.headersTimeoutMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
    // Stated, not inherited from --max-http-header-size, so the 431 says the real limit.
    maxHeaderSize: MAX_HEADER_BYTES,
  });
  server.on('clientError', answerClientError);
  // A stop must not wait for keep-alive clients: server.close() only closes the connections
  // idle at that moment, so a connection whose request was in flight stayed open after its
  // response and held the stop until shutdownTimeoutMs. While closing, responses not yet
  // sent say `Connection: close`, and connections are closed as their responses finish.
  let closing = false;
  const answering = new InFlight<http.ServerResponse>();
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    const slot = answering.add(res);
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      answering.remove(slot);
      // Its keep-alive connection is idle now.
      if (closing) server.closeIdleConnections();
    });
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
