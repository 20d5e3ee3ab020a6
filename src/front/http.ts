import type { IncomingMessage, ServerResponse } from 'node:http';

/** A one-line text/plain answer: what gocron clients and curl users read. */
export function sendText(res: ServerResponse, status: number, message: string): void {
  const body = message + '\n';
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/**
 * Reads a request body up to `limit` bytes. A larger body is answered 413 without buffering
 * it (a 1 GB upload must not take the process's memory).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ text: string } | { status: number; error: string }> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.resolve({ status: 413, error: `request body is larger than ${limit} bytes` });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve({ status: 413, error: `request body is larger than ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const buffer = Buffer.concat(chunks);
      const text = new TextDecoder('utf-8', { fatal: true });
      try {
        resolve({ text: text.decode(buffer) });
      } catch {
        resolve({ status: 400, error: 'request body is not valid UTF-8' });
      }
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}
