// The integrations beyond email / Slack / webhook (issue 16): for each kind, its settings
// as the API body and `cronwatch channel add --set field=value` give them, how each is
// checked, which are credentials (never shown back), and the provider's default base URL.
// Pure: channel-spec.ts applies these rules; src/notify/providers/ builds the requests.
import { quote } from './text.js';

export const INTEGRATION_KINDS = [
  'discord',
  'teams',
  'telegram',
  'ntfy',
  'pagerduty',
  'opsgenie',
  'pushover',
  'mattermost',
  'matrix',
  'gotify',
  'zulip',
  'shell',
] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

interface FieldRule {
  field: string;
  required: boolean;
  /** A credential: stored, used, shown back only as `true`. */
  secret?: boolean;
  /** The message naming what is wrong (without the field name), or undefined when valid. */
  check(value: string): string | undefined;
}

interface Integration {
  fields: FieldRule[];
  /** Where requests go when `base_url` is not set; undefined: `base_url` (or `url`) is required. */
  defaultBase?: string;
  /** Its URL is itself the credential (incoming webhooks): shown as its origin only. */
  urlIsSecret?: boolean;
  /** A chat / push destination people read: rate-limited (see src/domain/send-limit.ts). */
  chat: boolean;
}

const MAX_URL = 2000;

function httpUrl(value: string): string | undefined {
  if (value.length > MAX_URL) return `must be at most ${MAX_URL} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value))
    return 'must not contain spaces or control characters';
  if (!URL.canParse(value)) return `is not a URL: ${quote(value)}`;
  const u = new URL(value);
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '')
    return 'must be an http or https URL';
  return undefined;
}

const pattern =
  (re: RegExp, what: string) =>
  (value: string): string | undefined =>
    re.test(value) ? undefined : `must be ${what}`;

/** API tokens and keys: printable ASCII without spaces. */
const token = pattern(/^[\x21-\x7e]{1,500}$/, '1-500 printable characters without spaces');
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const label = pattern(/^[^\u0000-\u001f\u007f]{1,60}$/u, '1-60 characters without controls');

const url: FieldRule = { field: 'url', required: true, check: httpUrl };
const baseUrl = (required: boolean): FieldRule => ({
  field: 'base_url',
  required,
  check: httpUrl,
});

export const INTEGRATIONS: Record<IntegrationKind, Integration> = {
  discord: { fields: [url], urlIsSecret: true, chat: true },
  teams: { fields: [url], urlIsSecret: true, chat: true },
  mattermost: {
    fields: [
      url,
      {
        field: 'channel',
        required: false,
        check: pattern(/^[a-z0-9_.-]{1,64}$/, 'a channel name (a-z, 0-9, "_", ".", "-")'),
      },
    ],
    urlIsSecret: true,
    chat: true,
  },
  telegram: {
    fields: [
      {
        field: 'token',
        required: true,
        secret: true,
        check: pattern(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'a bot token like 123456:ABC-DEF…'),
      },
      {
        field: 'chat_id',
        required: true,
        check: pattern(
          /^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/,
          'a chat id (-100123…) or @channelname',
        ),
      },
      baseUrl(false),
    ],
    defaultBase: 'https://api.telegram.org',
    chat: true,
  },
  ntfy: {
    fields: [
      { field: 'topic', required: true, check: pattern(/^[-_A-Za-z0-9]{1,64}$/, 'a topic name') },
      { field: 'token', required: false, secret: true, check: token },
      baseUrl(false),
    ],
    defaultBase: 'https://ntfy.sh',
    chat: true,
  },
  pagerduty: {
    fields: [
      {
        field: 'routing_key',
        required: true,
        secret: true,
        check: pattern(
          /^[A-Za-z0-9]{32}$/,
          'the 32-character integration key of an Events API v2 integration',
        ),
      },
      baseUrl(false),
    ],
    defaultBase: 'https://events.pagerduty.com',
    chat: false,
  },
  opsgenie: {
    fields: [
      {
        field: 'genie_key',
        required: true,
        secret: true,
        check: pattern(/^[A-Za-z0-9-]{8,100}$/, 'the API key of an Opsgenie API integration'),
      },
      baseUrl(false),
    ],
    defaultBase: 'https://api.opsgenie.com',
    chat: false,
  },
  pushover: {
    fields: [
      {
        field: 'token',
        required: true,
        secret: true,
        check: pattern(/^[A-Za-z0-9]{30}$/, "the application's 30-character API token"),
      },
      {
        field: 'user',
        required: true,
        check: pattern(/^[A-Za-z0-9]{30}$/, 'a 30-character user or group key'),
      },
      {
        field: 'priority',
        required: false,
        check: pattern(/^(-2|-1|0|1)$/, '-2, -1, 0 or 1'),
      },
      baseUrl(false),
    ],
    defaultBase: 'https://api.pushover.net',
    chat: true,
  },
  matrix: {
    fields: [
      baseUrl(true),
      {
        field: 'room_id',
        required: true,
        check: pattern(/^![^:\s]{1,200}:[^\s]{1,255}$/, 'a room id such as !abc123:example.org'),
      },
      { field: 'token', required: true, secret: true, check: token },
    ],
    chat: true,
  },
  gotify: {
    fields: [baseUrl(true), { field: 'token', required: true, secret: true, check: token }],
    chat: true,
  },
  zulip: {
    fields: [
      baseUrl(true),
      {
        field: 'bot_email',
        required: true,
        check: pattern(/^[^\s@]{1,200}@[^\s@]{1,200}$/, "the bot's email address"),
      },
      {
        field: 'bot_key',
        required: true,
        secret: true,
        check: pattern(/^[A-Za-z0-9]{1,100}$/, "the bot's API key"),
      },
      { field: 'stream', required: true, check: label },
      { field: 'topic', required: false, check: label },
    ],
    chat: true,
  },
  shell: {
    fields: [
      {
        field: 'command',
        required: true,
        // eslint-disable-next-line no-control-regex -- control characters are what is refused
        check: pattern(/^[^\u0000]{1,2000}$/, '1-2000 characters'),
      },
    ],
    chat: false,
  },
};

/** Every field name any integration has: the API body accepts these. */
export const INTEGRATION_FIELDS: readonly string[] = [
  ...new Set(Object.values(INTEGRATIONS).flatMap((i) => i.fields.map((f) => f.field))),
];

export function isIntegrationKind(v: string): v is IntegrationKind {
  return (INTEGRATION_KINDS as readonly string[]).includes(v);
}

export function integrationFields(kind: IntegrationKind): readonly string[] {
  return INTEGRATIONS[kind].fields.map((f) => f.field);
}

/**
 * The config after applying the given fields to `base`; an empty string removes an optional
 * field. Throws nothing: returns the message of the first error (naming the field).
 */
export function applyIntegration(
  kind: IntegrationKind,
  base: Record<string, unknown>,
  given: Record<string, string | undefined>,
): Record<string, unknown> | { error: string } {
  const out = { ...base };
  for (const rule of INTEGRATIONS[kind].fields) {
    const v = given[rule.field];
    if (v === undefined) continue;
    if (v === '' && !rule.required) {
      delete out[rule.field];
      continue;
    }
    const bad = rule.check(v);
    if (bad) return { error: `${rule.field} ${bad}` };
    out[rule.field] = v;
  }
  for (const rule of INTEGRATIONS[kind].fields)
    if (rule.required && typeof out[rule.field] !== 'string')
      return { error: `${rule.field} is required for ${kind} channels` };
  return out;
}

/**
 * Where the channel's requests go: the URL whose host the outbound policy judges when the
 * channel is saved. Undefined for kinds that make no HTTP call (shell).
 */
export function integrationUrl(
  kind: IntegrationKind,
  config: Record<string, unknown>,
): string | undefined {
  if (typeof config.url === 'string') return config.url;
  if (typeof config.base_url === 'string') return config.base_url;
  return INTEGRATIONS[kind].defaultBase;
}

/** The channel's settings as shown: credentials as `true`, a webhook URL as its origin only. */
export function integrationJson(
  kind: IntegrationKind,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const spec = INTEGRATIONS[kind];
  for (const rule of spec.fields) {
    const v = config[rule.field];
    if (rule.secret) out[rule.field] = typeof v === 'string' && v !== '';
    else if (rule.field === 'url' && spec.urlIsSecret)
      out.url = typeof v === 'string' && URL.canParse(v) ? `${new URL(v).origin}/…` : null;
    else out[rule.field] = typeof v === 'string' ? v : null;
  }
  return out;
}

/** A name for a channel created without one: what it sends to, without any credential. */
export function integrationName(kind: IntegrationKind, config: Record<string, unknown>): string {
  const where =
    config.chat_id ??
    config.room_id ??
    config.stream ??
    config.topic ??
    config.channel ??
    config.user;
  if (kind === 'shell') return 'shell command';
  return typeof where === 'string' ? `${kind} ${where}`.slice(0, 200) : kind;
}
