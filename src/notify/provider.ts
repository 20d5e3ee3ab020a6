// The shared half of the HTTP integrations (src/notify/providers/*): each provider only says
// what request an alert becomes; sending it through the one outbound client (the address
// policy on the address connected to), and reading the answer the same way for all of them,
// is here. A 2xx is delivered; 4xx other than 408/429 is permanent (a bad token, a deleted
// chat: retrying cannot help) and dead with the provider's own message; the rest is retried.
import { OutboundTimeout, type OutboundClient } from '../outbound/client.js';
import { OutboundRefused } from '../outbound/policy.js';
import { DeliveryError, httpStatusError, type Delivery, type Transport } from './transport.js';

/** The first bytes of a provider's answer: enough for its error message. */
const ANSWER_KEEP = 4096;

export interface ProviderRequest {
  method?: 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Already-encoded JSON, sent as it is (a webhook signs these exact bytes). */
  body?: string;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

export interface Provider {
  /** How errors name it: "Telegram answered 401: Unauthorized". */
  name: string;
  /** The request(s) for one delivery, in order (Opsgenie closes with a second endpoint). */
  requests(d: Delivery, cfg: Settings): ProviderRequest[];
}

/** A channel's stored settings, read as strings. */
export interface Settings {
  get(field: string): string | undefined;
  /** A required setting; a stored channel without it is a permanent error. */
  need(field: string): string;
}

export function settingsOf(name: string, target: Record<string, unknown>): Settings {
  const get = (f: string) => (typeof target[f] === 'string' ? (target[f] as string) : undefined);
  return {
    get,
    need(f) {
      const v = get(f);
      if (v === undefined || v === '') throw new DeliveryError(`${name} channel has no ${f}`, true);
      return v;
    },
  };
}

/** `base` (a provider's API root, maybe with a path) joined with `path`. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/**
 * What a provider said went wrong, from its JSON error body: Telegram `description`, Gotify
 * `errorDescription`, Zulip `msg`, Matrix `error`, Discord / PagerDuty / Opsgenie `message`,
 * Pushover and PagerDuty `errors`. Anything else: the body as it came.
 */
export function providerMessage(body: string): string {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof j !== 'object' || j === null) return body;
  const o = j as Record<string, unknown>;
  const main = [o.description, o.errorDescription, o.msg, o.error, o.message].find(
    (v) => typeof v === 'string' && v !== '',
  ) as string | undefined;
  const list = Array.isArray(o.errors) ? o.errors.map(String).join('; ') : '';
  return [main, list].filter(Boolean).join(': ') || body;
}

function encode(r: ProviderRequest): { body: string; type: string } {
  if (r.body !== undefined) return { body: r.body, type: 'application/json' };
  if (r.form)
    return {
      body: new URLSearchParams(r.form).toString(),
      type: 'application/x-www-form-urlencoded',
    };
  return { body: JSON.stringify(r.json ?? {}), type: 'application/json' };
}

/** Sends one request of a provider; resolves on a 2xx, else throws a classified DeliveryError. */
export async function sendProviderRequest(
  client: OutboundClient,
  name: string,
  d: Delivery,
  r: ProviderRequest,
  timeoutMs: number,
): Promise<void> {
  const { body, type } = encode(r);
  let answer: { status: number; body: string };
  try {
    answer = await client.request({
      method: r.method ?? 'POST',
      url: r.url,
      headers: {
        'Content-Type': type,
        'User-Agent': 'cronwatch',
        'X-Cronwatch-Notification-Id': d.id,
        ...r.headers,
      },
      body,
      timeoutMs,
      // An API that moved says so with a redirect; an alert (and its token) is not sent on.
      maxRedirects: 0,
      keepBytes: ANSWER_KEEP,
    });
  } catch (err) {
    if (err instanceof OutboundRefused) throw new DeliveryError(`${name}: ${err.message}`, true);
    if (err instanceof OutboundTimeout)
      throw new DeliveryError(`${name}: no answer within ${timeoutMs} ms`, false);
    throw new DeliveryError(`${name}: ${(err as Error).message}`, false);
  }
  if (answer.status < 200 || answer.status > 299)
    throw httpStatusError(name, answer.status, providerMessage(answer.body));
}

/** A provider as a Transport: its requests sent one after the other through `client`. */
export function providerTransport(provider: Provider, client: OutboundClient): Transport {
  return {
    async send(d: Delivery, timeoutMs: number) {
      const cfg = settingsOf(provider.name, d.target);
      for (const r of provider.requests(d, cfg))
        await sendProviderRequest(client, provider.name, d, r, timeoutMs);
    },
  };
}

/** The first `max` characters of `text`, marked when cut (providers refuse longer messages). */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** Subject, blank line, body: the plain-text message of chat providers. */
export function plainText(d: Delivery): string {
  return `${d.text.subject}\n\n${d.text.body}`;
}

/** 'down' | 'up' | 'change' | 'test' | 'digest': what a delivery is about. */
export function eventKind(d: Delivery): 'down' | 'up' | 'change' | 'test' | 'digest' {
  if (d.event) return d.event.kind;
  return d.test ? 'test' : 'digest';
}
