import type { IncomingMessage, ServerResponse } from 'node:http';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A one-line text/plain answer: what gocron clients and curl users read. */
export function sendText(res: ServerResponse, status: number, message: string): void {
  // One line, whatever the message quotes: V8's JSON.parse errors echo the body, newlines
  // included, so a malformed multi-line body gave a multi-line answer (COMPAT 4).
  const body = message.replace(LINE_BREAKING, ' ') + '\n';
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
