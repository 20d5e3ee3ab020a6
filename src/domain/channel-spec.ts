// Notification channels (email / Slack / webhook, and the integrations of integrations.ts)
// as the API's POST /api/v3/channels/ and `cronwatch channel add` create and change them.
// Pure: the input is checked field by field
// and turned into the stored config, or a message naming the bad field (a 400, or exit 2,
// before any row is touched). One place also decides what of a channel may be shown.
import {
  applyIntegration,
  INTEGRATION_FIELDS,
  INTEGRATION_KINDS,
  integrationFields,
  integrationJson,
  integrationName,
  isIntegrationKind,
} from './integrations.js';
import { nameError, parseEmails, quote } from './text.js';

export const CHANNEL_KINDS = ['email', 'slack', 'webhook', ...INTEGRATION_KINDS] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
/** What a notification is delivered through: a transport per kind of channel. */
export type TransportKind = ChannelKind;

/** A channel as a test notification needs it (db's ChannelRow is one). */
export interface ChannelToTest extends ChannelSpec {
  account: string;
}

export interface ChannelSpec {
  kind: ChannelKind;
  name: string;
  config: Record<string, unknown>;
}

/** What the caller gave; absent fields are unchanged (update) or defaulted (create). */
export interface ChannelInput {
  kind?: string;
  name?: string;
  to?: string;
  url?: string;
  channel?: string;
  secret?: string;
  /** The settings of the other integrations (token, chat_id, base_url, …). */
  [field: string]: string | undefined;
}

/** Whether shell channels may be created (SHELL_CHANNELS=1). */
export interface ChannelRules {
  shellChannels: boolean;
}

const CORE_FIELDS = { email: ['to'], slack: ['url', 'channel'], webhook: ['url', 'secret'] };
function fieldsOf(kind: ChannelKind): readonly string[] {
  return isIntegrationKind(kind) ? integrationFields(kind) : CORE_FIELDS[kind];
}
const SETTING_FIELDS = [...new Set(['to', 'url', 'channel', 'secret', ...INTEGRATION_FIELDS])];
const KNOWN = new Set(['api_key', 'kind', 'name', ...SETTING_FIELDS]);
const KIND_LIST = `${CHANNEL_KINDS.slice(0, -1).join(', ')} or ${CHANNEL_KINDS.at(-1)}`;
const MAX_URL = 2000;
const MAX_SECRET = 500;
const MAX_SLACK_CHANNEL = 80;

export function isChannelKind(v: unknown): v is ChannelKind {
  return typeof v === 'string' && (CHANNEL_KINDS as readonly string[]).includes(v);
}

class SpecError extends Error {}

const SHELL_OFF = 'kind shell is turned off on this server: set SHELL_CHANNELS=1 to allow it';

function urlOf(field: string, value: string, protocols: string[]): string {
  if (value.length > MAX_URL) throw new SpecError(`${field} must be at most ${MAX_URL} characters`);
  // Whitespace and controls are refused, never trimmed (hostile values are not altered).
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value))
    throw new SpecError(`${field} must not contain spaces or control characters`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new SpecError(`${field} is not a URL: ${quote(value)}`);
  }
  if (!protocols.includes(u.protocol.slice(0, -1)) || u.hostname === '')
    throw new SpecError(`${field} must be an ${protocols.join(' or ')} URL`);
  return value;
}

function checkFields(i: ChannelInput, kind: ChannelKind): void {
  for (const field of SETTING_FIELDS) {
    if (i[field] !== undefined && !fieldsOf(kind).includes(field))
      throw new SpecError(`${field} is not a field of ${kind} channels`);
  }
}

/** The config of the channel after applying `i` to `base` (empty for a new channel). */
function applyConfig(
  kind: ChannelKind,
  base: Record<string, unknown>,
  i: ChannelInput,
): Record<string, unknown> {
  if (isIntegrationKind(kind)) {
    const applied = applyIntegration(kind, base, i);
    if ('error' in applied) throw new SpecError(String(applied.error));
    return applied;
  }
  const out = { ...base };
  if (kind === 'email') {
    if (i.to !== undefined) {
      const parsed = parseEmails('to', i.to);
      if ('error' in parsed) throw new SpecError(parsed.error);
      out.to = parsed.emails.join(',');
    }
    if (typeof out.to !== 'string') throw new SpecError('to is required for email channels');
    return out;
  }
  if (i.url !== undefined)
    out.url = urlOf('url', i.url, kind === 'slack' ? ['https'] : ['http', 'https']);
  if (typeof out.url !== 'string') throw new SpecError(`url is required for ${kind} channels`);
  if (kind === 'slack' && i.channel !== undefined) {
    if (i.channel === '') delete out.channel;
    else {
      const bad = nameError('channel', i.channel, MAX_SLACK_CHANNEL);
      if (bad) throw new SpecError(bad);
      if (/\s/.test(i.channel)) throw new SpecError('channel must not contain spaces');
      out.channel = i.channel;
    }
  }
  if (kind === 'webhook' && i.secret !== undefined) {
    if (i.secret === '') delete out.secret;
    else {
      if (i.secret.length > MAX_SECRET)
        throw new SpecError(`secret must be at most ${MAX_SECRET} characters`);
      // eslint-disable-next-line no-control-regex -- control characters are what is refused
      if (/[\u0000-\u001f\u007f]/.test(i.secret) || !i.secret.isWellFormed())
        throw new SpecError('secret must not contain control characters');
      out.secret = i.secret;
    }
  }
  return out;
}

/** A name for a channel created without one: what it sends to, without any credential. */
function defaultName(kind: ChannelKind, config: Record<string, unknown>): string {
  if (isIntegrationKind(kind)) return integrationName(kind, config);
  if (kind === 'email') return String(config.to).slice(0, 200);
  if (kind === 'slack') return typeof config.channel === 'string' ? config.channel : 'Slack';
  return `webhook ${new URL(String(config.url)).host}`;
}

function validName(name: string): string {
  const bad = nameError('name', name);
  if (bad) throw new SpecError(bad);
  return name;
}

/** A new channel from `i` (kind required), or the message of the first error. */
export function newChannelSpec(
  i: ChannelInput,
  rules: ChannelRules = { shellChannels: false },
): ChannelSpec | { error: string } {
  try {
    if (i.kind === undefined) throw new SpecError(`kind is required: ${KIND_LIST}`);
    if (!isChannelKind(i.kind))
      throw new SpecError(`kind must be ${KIND_LIST} (got ${quote(i.kind)})`);
    const kind = i.kind;
    // A shell channel runs a command on the back's host: only where the operator allowed it.
    if (kind === 'shell' && !rules.shellChannels) throw new SpecError(SHELL_OFF);
    checkFields(i, kind);
    const config = applyConfig(kind, {}, i);
    const name = i.name === undefined ? defaultName(kind, config) : validName(i.name);
    return { kind, name, config };
  } catch (err) {
    if (err instanceof SpecError) return { error: err.message };
    throw err;
  }
}

/** `existing` changed by `i` (only the fields given), or the message of the first error. */
export function updatedChannelSpec(
  existing: ChannelSpec,
  i: ChannelInput,
  rules: ChannelRules = { shellChannels: false },
): ChannelSpec | { error: string } {
  try {
    if (i.kind !== undefined && i.kind !== existing.kind)
      throw new SpecError(
        `kind cannot be changed (this is a ${existing.kind} channel): create a new channel instead`,
      );
    if (existing.kind === 'shell' && !rules.shellChannels) throw new SpecError(SHELL_OFF);
    checkFields(i, existing.kind);
    const config = applyConfig(existing.kind, existing.config, i);
    const name = i.name === undefined ? existing.name : validName(i.name);
    return { kind: existing.kind, name, config };
  } catch (err) {
    if (err instanceof SpecError) return { error: err.message };
    throw err;
  }
}

/**
 * A JSON request body as ChannelInput: an object of known string fields (`api_key` is the
 * key, read by the auth step). Unknown fields and non-strings are errors naming the field.
 */
export function parseChannelBody(body: unknown): { input: ChannelInput } | { error: string } {
  if (body === undefined) return { input: {} };
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the request body must be a JSON object' };
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KNOWN.has(k));
  if (unknown.length) return { error: `unknown field(s): ${unknown.join(', ')}` };
  if (b.api_key !== undefined && typeof b.api_key !== 'string')
    return { error: 'api_key must be a string' };
  const out: ChannelInput = {};
  for (const field of ['kind', 'name', ...SETTING_FIELDS]) {
    const v = b[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') return { error: `${field} must be a string` };
    if (v.length > 20_000) return { error: `${field} is too long (${v.length} characters)` };
    if (v.includes('\u0000')) return { error: `${field} must not contain NUL characters` };
    if (!v.isWellFormed()) return { error: `${field} is not valid Unicode text` };
    out[field] = v;
  }
  return { input: out };
}

/** A stored channel (id = its uuid) as the API and `cronwatch channel` show it. */
export interface ChannelJson {
  id: string;
  name: string;
  kind: string;
  [field: string]: unknown;
}

/**
 * The channel with its config, minus credentials: a webhook's secret shows only as
 * `secret: true/false`, and a Slack incoming-webhook URL (which is itself the credential:
 * whoever has it can post) only as its origin followed by "/…".
 */
export function channelJson(c: {
  uuid: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
}): ChannelJson {
  const base = { id: c.uuid, name: c.name, kind: c.kind };
  const cfg = c.config;
  if (isIntegrationKind(c.kind)) return { ...base, ...integrationJson(c.kind, cfg) };
  if (c.kind === 'email') return { ...base, to: cfg.to ?? null };
  if (c.kind === 'slack') {
    let url: string | null;
    try {
      url = `${new URL(String(cfg.url)).origin}/…`;
    } catch {
      url = null;
    }
    return { ...base, url, channel: typeof cfg.channel === 'string' ? cfg.channel : null };
  }
  return {
    ...base,
    url: cfg.url ?? null,
    secret: typeof cfg.secret === 'string' && cfg.secret !== '',
  };
}

/** The text of a test notification (POST /api/v3/channels/<id>/test, `cronwatch channel test`). */
export function testText(
  account: string,
  channel: { name: string; kind: string },
  publicUrl?: string,
): { subject: string; body: string } {
  const lines = [
    `This is a test notification from cronwatch for the ${channel.kind} channel ` +
      `${JSON.stringify(channel.name)} of account ${account}.`,
    '',
    'Alerts of the checks linked to this channel will arrive here the same way.',
  ];
  if (publicUrl) lines.push('', publicUrl);
  return { subject: `cronwatch: test notification for ${channel.name}`, body: lines.join('\n') };
}

/** The input fields of each kind, besides kind and name: the dashboard draws its forms from it. */
export const CHANNEL_FIELDS: Readonly<Record<ChannelKind, readonly string[]>> = Object.fromEntries(
  CHANNEL_KINDS.map((k) => [k, fieldsOf(k)]),
) as Record<ChannelKind, readonly string[]>;
