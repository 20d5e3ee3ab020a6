import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { DeliveryError, httpStatusError, type Delivery, type Transport } from './transport.js';

const IDLE_SOCKET_MS = 4000;

/** A reused keep-alive socket was reset before any answer: safe to send again at once. */
class StaleSocketError extends Error {}

/** The first bytes of a receiver's answer are enough for an error message. */
const ANSWER_KEEP = 4096;

interface Answer {
  status: number;
  text: string;
}

/**
 * One POST on node:http(s) with keep-alive, bounded by `timeoutMs` from start to the end of
 * the answer. Not fetch: undici's fetch cost about three times the CPU per request here, and
 * a burst of thousands of alerts from one back is CPU-bound on it (scripts/bench-burst.ts).
 */
function post(
  url: URL,
  agent: http.Agent | false,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let answered = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (c: Buffer) => {
          if (kept < ANSWER_KEEP) {
            chunks.push(c);
            kept += c.length;
          }
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('connection closed before the answer ended'));
        });
      },
    );
    const timer = setTimeout(() => {
      const err = new DeliveryError(`webhook: no answer within ${timeoutMs} ms`, false);
      fail(err);
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE')
          ? new StaleSocketError(err.message)
          : err,
      ),
    );
    req.end(body);
  });
}

/**
 * A JSON POST to the channel's URL. Headers carry the stable notification id and, when the
 * channel has a secret, an HMAC-SHA256 of the body so the receiver can trust it.
 */
export function webhookTransport(): Transport {
  // Idle sockets are dropped after 4 s, before the 5 s after which node's (and many other)
  // servers close an idle keep-alive connection: reusing a socket the server is closing is
  // what resets a request (see send's retry).
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  return {
    async send(d: Delivery, timeoutMs: number) {
      const raw = d.target.url;
      if (typeof raw !== 'string') throw new DeliveryError('webhook channel has no url', true);
      const url = URL.canParse(raw) ? new URL(raw) : undefined;
      if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
        throw new DeliveryError('webhook url is not an http(s) URL', true);
      if (!d.event && !d.test) throw new DeliveryError('webhooks carry alerts only', true);
      const body = !d.event
        ? JSON.stringify({ id: d.id, event: 'test', subject: d.text.subject, text: d.text.body })
        : JSON.stringify({
            id: d.id,
            event: d.event.kind,
            check: d.event.check,
            flip: { id: d.event.flipId, at: d.event.at, to: d.event.kind },
            last_ping_at: d.event.lastPingAt,
            expected_at: d.event.expectedAt,
            ...(d.event.behind ? { behind: d.event.behind } : {}),
            ...(d.event.exitStatus !== undefined ? { exit_status: d.event.exitStatus } : {}),
            ...(d.event.output !== undefined ? { output: d.event.output } : {}),
            ...(d.text.url ? { url: d.text.url } : {}),
            subject: d.text.subject,
            text: d.text.body,
          });
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': 'cronwatch',
        'X-Cronwatch-Notification-Id': d.id,
        'Idempotency-Key': d.id,
      };
      if (typeof d.target.secret === 'string' && d.target.secret !== '') {
        headers['X-Cronwatch-Signature'] =
          'sha256=' + createHmac('sha256', d.target.secret).update(body).digest('hex');
      }
      let answer: Answer;
      try {
        const agent = agents[url.protocol];
        answer = await post(url, agent, headers, body, timeoutMs).catch((err: unknown) => {
          // A kept-alive socket the receiver closed as we reused it: node's documented race.
          // The request was not read; send it once more on a connection of its own (agent
          // false: not another pooled socket that may be stale too), rather than wait for a
          // retry with backoff (4 back processes saw this in CI).
          if (!(err instanceof StaleSocketError)) throw err;
          return post(url, false, headers, body, timeoutMs);
        });
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        throw new DeliveryError(`webhook: ${(err as Error).message}`, false);
      }
      if (answer.status < 200 || answer.status > 299)
        throw httpStatusError('webhook', answer.status, answer.text);
    },
    close() {
      for (const agent of Object.values(agents)) agent.destroy();
    },
  };
}
