// Real receivers on 127.0.0.1 for alert tests: an SMTP server (smtp-server) and an HTTP
// server standing in for Slack and webhook endpoints. Both stop after the test file.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup } from './cleanup.js';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Map<string, string>;
}

export interface SmtpReceiver {
  url: string;
  mails: Mail[];
  /** Return an SMTP code (e.g. 451, 550) to refuse the next recipient; undefined accepts. */
  refuse: (() => number | undefined) | undefined;
  close(): Promise<void>;
}

function parseMail(raw: string, to: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  let text = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers.get('content-transfer-encoding') ?? '')) {
    text = text
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return {
    to,
    subject: headers.get('subject') ?? '',
    text: text.replace(/\r\n/g, '\n').replace(/\n+$/, ''),
    messageId: headers.get('message-id') ?? '',
    headers,
  };
}

/** On `port` (0: any free one); a given port brings a stopped receiver back where it was. */
export async function startSmtp(port = 0): Promise<SmtpReceiver> {
  const receiver: SmtpReceiver = {
    url: '',
    mails: [],
    refuse: undefined,
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      const code = receiver.refuse?.();
      if (code) {
        const err = new Error(code >= 500 ? 'recipient rejected' : 'try again later') as Error & {
          responseCode: number;
        };
        err.responseCode = code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        receiver.mails.push(
          parseMail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  cleanup(() => receiver.close());
  return receiver;
}

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
  at: number;
}

/** A full answer: status, extra headers (e.g. Location, Retry-After) and body. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpReceiver {
  url: string;
  requests: Received[];
  /** TCP connections accepted: 0 proves a refused call never connected. */
  connections: number;
  /** Decides each answer: a status code, a full answer, or 'hang' to never answer. Default 200. */
  respond: (r: Received) => number | 'hang' | Answer | Promise<number | 'hang' | Answer>;
  /** Extra headers on every answer (e.g. Ping-Body-Limit). */
  headers?: Record<string, string>;
  close(): Promise<void>;
}

/** On `port` (0: any free one); a given port brings a stopped receiver back where it was. */
export async function startHttpReceiver(port = 0): Promise<HttpReceiver> {
  const receiver: HttpReceiver = {
    url: '',
    requests: [],
    connections: 0,
    respond: () => 200,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      receiver.requests.push(r);
      const given = await receiver.respond(r);
      if (given === 'hang') return;
      const answer = typeof given === 'number' ? { status: given } : given;
      const status = answer.status;
      res.writeHead(status, {
        'Content-Type': 'text/plain',
        ...receiver.headers,
        ...answer.headers,
      });
      res.end(answer.body ?? (status < 300 ? 'ok' : status === 404 ? 'no_service' : 'error'));
    });
  });
  server.on('connection', () => receiver.connections++);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanup(() => receiver.close());
  return receiver;
}
