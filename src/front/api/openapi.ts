// The OpenAPI 3.1 description of /api/v3, served at GET /api/v3/openapi.json (no key). A
// plain object, not YAML: no parser, and the compiler checks it is well-formed JSON.
// test/front/api-openapi.test.ts keeps it true: every route on the router is documented
// with its methods, every documented operation exists, and real answers validate against
// the schemas below.
import type { RequestHandler } from 'express';
import { jobParameters, jobPaths, jobSchemas } from './openapi-jobs.js';
import {
  policyCheckFields,
  policyInputFields,
  policyPaths,
  policySchemas,
} from './openapi-policies.js';
import { errors, json, keyed, nullable, param, ref, type Schema } from './openapi-parts.js';
import { CHANNEL_KINDS } from '../../domain/channel-spec.js';
import { INTEGRATION_FIELDS, INTEGRATIONS } from '../../domain/integrations.js';
import { EMAIL_KW_FIELDS, MAX_KW } from '../../domain/email-kw-input.js';

/** The integrations' settings as shown: credentials as true/false, the rest as text. */
const integrationShown: Record<string, Schema> = Object.fromEntries(
  Object.values(INTEGRATIONS)
    .flatMap((i) => i.fields)
    .filter((f) => !['url', 'channel'].includes(f.field))
    .map((f) => [f.field, f.secret ? { type: 'boolean' } : nullable('string')]),
);

type Operation = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers: { url: string; description?: string }[];
  paths: Record<string, Record<string, Operation | unknown[]>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Record<string, unknown>>;
    responses: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
  [key: string]: unknown;
}

const MIN_SECONDS = 60;
const MAX_SECONDS = 31_536_000;

// Fields of healthchecks features cronwatch does not have: shown, and accepted, only with
// their default value (src/domain/api-check-input.ts).
const UNSUPPORTED_STRINGS = ['methods', 'subject', 'subject_fail'];
const unsupported = (v: string | boolean): Schema => ({
  const: v,
  description: 'A healthchecks feature cronwatch does not have: always its default value.',
});
const unsupportedFields = Object.fromEntries([
  ...UNSUPPORTED_STRINGS.map((f) => [f, unsupported('')]),
]) as Record<string, Schema>;

// Email check-ins' keyword rules (issue 16, src/domain/email-kw-input.ts).
const keywords = (what: string): Schema => ({
  type: 'string',
  maxLength: MAX_KW,
  description: `comma-separated, case-sensitive words that make a filtered email a ${what}`,
});
const emailKwFields: Record<string, Schema> = {
  filter_subject: {
    type: 'boolean',
    description:
      'email check-ins: look for the keywords in the subject. A check with none of these ' +
      'five fields set (all at their defaults) uses the global PING_EMAIL_* settings',
  },
  filter_body: { type: 'boolean', description: 'email check-ins: look in the body' },
  success_kw: keywords('success'),
  failure_kw: keywords('failure (looked for first)'),
  start_kw: keywords('start'),
};

const seconds = (description: string): Schema => ({
  type: 'integer',
  minimum: MIN_SECONDS,
  maximum: MAX_SECONDS,
  description,
});

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: { error: { type: 'string', description: 'What went wrong, for a person.' } },
    additionalProperties: false,
  },
  Check: {
    type: 'object',
    description:
      'A check as healthchecks shows it. A read-write key sees `uuid`, the URLs and ' +
      '`channels`; a read-only key sees `unique_key` instead. A cron check has `schedule` ' +
      'and `tz`, a simple one `timeout`.',
    required: [
      'name',
      'slug',
      'tags',
      'desc',
      'grace',
      'n_pings',
      'status',
      'started',
      'last_ping',
      'next_ping',
      'manual_resume',
      ...UNSUPPORTED_STRINGS,
      ...EMAIL_KW_FIELDS,
    ],
    properties: {
      name: { type: 'string' },
      slug: { type: 'string', description: '"" when the check has none' },
      tags: { type: 'string', description: 'space-separated' },
      desc: { type: 'string' },
      grace: { type: 'integer', minimum: 0, description: 'seconds' },
      n_pings: { type: 'integer', minimum: 0 },
      status: { enum: ['new', 'up', 'grace', 'down', 'paused'] },
      started: { type: 'boolean', description: 'a start ping is waiting for its finish' },
      last_ping: nullable('string', { format: 'date-time' }),
      next_ping: nullable('string', { format: 'date-time' }),
      last_duration: {
        type: 'integer',
        minimum: 0,
        description: 'seconds of the last timed run; absent when none',
      },
      manual_resume: { type: 'boolean' },
      ...unsupportedFields,
      ...emailKwFields,
      unique_key: { type: 'string', pattern: '^[0-9a-f]{40}$', description: 'read-only keys only' },
      uuid: { type: 'string', format: 'uuid' },
      ping_url: { type: 'string', format: 'uri' },
      update_url: { type: 'string', format: 'uri' },
      pause_url: { type: 'string', format: 'uri' },
      resume_url: { type: 'string', format: 'uri' },
      channels: {
        type: 'string',
        description: 'comma-separated ids of the channels the check alerts through',
      },
      schedule: { type: 'string', description: '5-field cron expression (cron checks)' },
      tz: { type: 'string', description: 'IANA time zone of the schedule (cron checks)' },
      timeout: { type: 'integer', minimum: 0, description: 'seconds (simple checks)' },
      ...policyCheckFields,
    },
    additionalProperties: false,
    allOf: [
      {
        oneOf: [
          { required: ['uuid', 'ping_url', 'update_url', 'pause_url', 'resume_url', 'channels'] },
          { required: ['unique_key'] },
        ],
      },
      { oneOf: [{ required: ['timeout'] }, { required: ['schedule', 'tz'] }] },
    ],
  },
  CheckList: {
    type: 'object',
    required: ['checks'],
    properties: {
      checks: { type: 'array', items: ref('Check') },
      next_cursor: {
        ...nullable('string'),
        description: 'with `limit` only: the `cursor` of the next page, null on the last',
      },
    },
    additionalProperties: false,
  },
  CheckInput: {
    type: 'object',
    description:
      'Create and update body (any Content-Type). On update only the fields given change. ' +
      'A create needs `name` unless `unique` matches an existing check.',
    properties: {
      api_key: { type: 'string', description: 'the key, instead of the X-Api-Key header' },
      name: { type: 'string', minLength: 1, description: 'unique per account' },
      slug: {
        type: 'string',
        pattern: '^[a-z0-9_-]{0,200}$',
        description: '"" removes the slug',
      },
      tags: { type: 'string', maxLength: 500, description: 'space-separated' },
      desc: { type: 'string', maxLength: 10000 },
      timeout: seconds('period of a simple check (default 86400)'),
      grace: seconds('grace period (default 3600)'),
      schedule: { type: 'string', maxLength: 100, description: '5-field cron expression' },
      tz: { type: 'string', description: 'IANA time zone (default UTC)' },
      manual_resume: { type: 'boolean' },
      channels: {
        type: 'string',
        description: '"*" every channel of the account, "" none, or comma-separated ids or names',
      },
      unique: {
        type: 'array',
        items: { enum: ['name', 'slug', 'tags', 'timeout', 'grace'] },
        description: 'create only: update the check whose values of these fields match',
      },
      ...policyInputFields,
      ...emailKwFields,
      ...unsupportedFields,
    },
    additionalProperties: false,
  },
  Ping: {
    type: 'object',
    required: ['type', 'date', 'n', 'scheme', 'remote_addr', 'method', 'ua', 'rid', 'body_url'],
    properties: {
      type: { enum: ['success', 'start', 'fail', 'log'] },
      date: { type: 'string', format: 'date-time' },
      n: { type: 'integer', minimum: 1 },
      scheme: { type: 'string' },
      remote_addr: nullable('string'),
      method: { type: 'string' },
      ua: { type: 'string' },
      rid: nullable('string', { format: 'uuid' }),
      duration: { type: 'number', minimum: 0, description: 'seconds since the paired start' },
      body_url: nullable('string', { format: 'uri' }),
    },
    additionalProperties: false,
  },
  PingList: {
    type: 'object',
    required: ['pings'],
    properties: { pings: { type: 'array', items: ref('Ping') } },
    additionalProperties: false,
  },
  Flip: {
    type: 'object',
    required: ['timestamp', 'up'],
    properties: {
      timestamp: { type: 'string', format: 'date-time' },
      up: { enum: [0, 1] },
    },
    additionalProperties: false,
  },
  FlipList: {
    type: 'object',
    required: ['flips'],
    properties: { flips: { type: 'array', items: ref('Flip') } },
    additionalProperties: false,
  },
  Channel: {
    type: 'object',
    description:
      'A notification channel. Credentials are never shown: a webhook secret only as ' +
      '`secret: true/false`, a Slack webhook URL only as its origin followed by "/…".',
    required: ['id', 'name', 'kind'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      kind: { enum: [...CHANNEL_KINDS] },
      to: { ...nullable('string'), description: 'email: comma-separated addresses' },
      url: nullable('string'),
      channel: { ...nullable('string'), description: 'slack: the channel posted to' },
      secret: { type: 'boolean', description: 'webhook: whether deliveries are signed' },
      ...integrationShown,
    },
    additionalProperties: false,
  },
  ChannelList: {
    type: 'object',
    required: ['channels'],
    properties: { channels: { type: 'array', items: ref('Channel') } },
    additionalProperties: false,
  },
  ChannelInput: {
    type: 'object',
    description:
      'Create and update body. `kind` is required to create and cannot change; `to` is for ' +
      'email channels, `url` for Slack and webhooks, `channel` for Slack, `secret` for ' +
      'webhooks. On update only the fields given change ("" removes `channel` or `secret`).',
    properties: {
      api_key: { type: 'string', description: 'the key, instead of the X-Api-Key header' },
      kind: { enum: [...CHANNEL_KINDS] },
      name: { type: 'string' },
      to: { type: 'string' },
      url: { type: 'string' },
      channel: { type: 'string' },
      secret: { type: 'string' },
      // The settings of the other integrations (README "Integrations").
      ...Object.fromEntries(INTEGRATION_FIELDS.map((f) => [f, { type: 'string' }])),
    },
    additionalProperties: false,
  },
  BadgeUrls: {
    type: 'object',
    description:
      'One badge in every format: the plain URLs report up or down (late counts as up), ' +
      'the ones suffixed 3 report up, late or down. Public: the badge key in them is the secret.',
    required: ['svg', 'svg3', 'json', 'json3', 'shields', 'shields3'],
    properties: Object.fromEntries(
      ['svg', 'svg3', 'json', 'json3', 'shields', 'shields3'].map((k) => [
        k,
        { type: 'string', format: 'uri' },
      ]),
    ),
    additionalProperties: false,
  },
  BadgeList: {
    type: 'object',
    required: ['badges'],
    properties: {
      badges: {
        type: 'object',
        description: 'one entry per tag of the account’s checks, and "*" for all of them',
        required: ['*'],
        additionalProperties: ref('BadgeUrls'),
      },
    },
    additionalProperties: false,
  },
  Status: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { enum: ['ok', 'error'] },
      error: { type: 'string' },
    },
    additionalProperties: false,
  },
};

const parameters: Record<string, Record<string, unknown>> = {
  checkId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'the check uuid',
    schema: { type: 'string', format: 'uuid' },
  },
  checkIdOrUniqueKey: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'the check uuid, or its unique_key (what a read-only key sees)',
    schema: {
      anyOf: [
        { type: 'string', format: 'uuid' },
        { type: 'string', pattern: '^[0-9a-f]{40}$' },
      ],
    },
  },
  channelId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'the channel id (a uuid)',
    schema: { type: 'string', format: 'uuid' },
  },
};

const responses: Record<string, Record<string, unknown>> = {
  BadRequest: json('a bad parameter or body field, named in the message', ref('Error')),
  Unauthorized: json(
    'missing, wrong or revoked key, or a read-only key where a read-write one is needed',
    ref('Error'),
  ),
  NotFound: json('no such object in the key’s account', ref('Error')),
  Conflict: json('conflicts with the current state', ref('Error')),
  TooLarge: json('request body over BODY_LIMIT_BYTES', ref('Error')),
  RateLimited: {
    ...json(
      'more than API_RATE_LIMIT requests in a minute, counted per key (per client address without a valid key)',
      ref('Error'),
    ),
    headers: {
      'Retry-After': {
        description: 'seconds until the window resets',
        schema: { type: 'integer', minimum: 0 },
      },
    },
  },
};

const noKey: unknown[] = [];

const checkBody = {
  required: true,
  content: { 'application/json': { schema: ref('CheckInput') } },
};
const channelBody = (required: boolean) => ({
  required,
  content: { 'application/json': { schema: ref('ChannelInput') } },
});

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'cronwatch Management API',
    version: '3',
    description:
      'healthchecks.io’s Management API v3 (https://healthchecks.io/docs/api/) as cronwatch ' +
      'implements it: same paths, fields and status codes. Send a key in the X-Api-Key header ' +
      '(or as `api_key` in the JSON body of a POST). Read-only keys may list and get checks ' +
      'and their flips; everything else needs a read-write key. Requests are limited to ' +
      'API_RATE_LIMIT a minute per key (429 with Retry-After beyond). A wrong method is 405 ' +
      'with an Allow header.',
  },
  servers: [{ url: '/api/v3' }],
  security: keyed,
  tags: [
    { name: 'checks' },
    { name: 'pings' },
    { name: 'channels' },
    { name: 'badges' },
    { name: 'jobs' },
    { name: 'service' },
  ],
  paths: {
    '/checks/': {
      get: {
        operationId: 'listChecks',
        tags: ['checks'],
        summary: 'List the account’s checks',
        security: keyed,
        'x-key-scope': 'read',
        parameters: [
          {
            name: 'tag',
            in: 'query',
            description: 'only checks with every tag given (repeatable)',
            schema: { type: 'array', items: { type: 'string' } },
            style: 'form',
            explode: true,
          },
          { name: 'slug', in: 'query', schema: { type: 'string' } },
          {
            name: 'limit',
            in: 'query',
            description: 'page size; without it every check comes in one answer',
            schema: { type: 'integer', minimum: 1, maximum: 1000 },
          },
          {
            name: 'cursor',
            in: 'query',
            description: 'the next_cursor of the previous page',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': json('the checks', ref('CheckList')), ...errors(400, 401, 429) },
      },
      post: {
        operationId: 'createCheck',
        tags: ['checks'],
        summary: 'Create a check, or update the one `unique` matches',
        security: keyed,
        'x-key-scope': 'write',
        requestBody: checkBody,
        responses: {
          '200': json('an existing check matched `unique` and was updated', ref('Check')),
          '201': json('created', ref('Check')),
          ...errors(400, 401, 409, 413, 429),
        },
      },
    },
    '/checks/{id}': {
      get: {
        operationId: 'getCheck',
        tags: ['checks'],
        summary: 'Get one check',
        security: keyed,
        'x-key-scope': 'read',
        parameters: [param('checkIdOrUniqueKey')],
        responses: { '200': json('the check', ref('Check')), ...errors(401, 404, 429) },
      },
      post: {
        operationId: 'updateCheck',
        tags: ['checks'],
        summary: 'Update a check: only the fields given change',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('checkId')],
        requestBody: checkBody,
        responses: {
          '200': json('the updated check', ref('Check')),
          ...errors(400, 401, 404, 409, 413, 429),
        },
      },
      delete: {
        operationId: 'deleteCheck',
        tags: ['checks'],
        summary: 'Delete a check with its pings and flips',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('checkId')],
        responses: { '200': json('the deleted check', ref('Check')), ...errors(401, 404, 429) },
      },
    },
    '/checks/{id}/pause': {
      post: {
        operationId: 'pauseCheck',
        tags: ['checks'],
        summary: 'Pause a check: nothing expected, no alerts',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('checkId')],
        responses: { '200': json('the paused check', ref('Check')), ...errors(401, 404, 429) },
      },
    },
    '/checks/{id}/resume': {
      post: {
        operationId: 'resumeCheck',
        tags: ['checks'],
        summary: 'Resume a paused check (status new)',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('checkId')],
        responses: {
          '200': json('the resumed check', ref('Check')),
          ...errors(401, 404, 429),
          '409': json('the check is not paused', ref('Error')),
        },
      },
    },
    '/checks/{id}/pings/': {
      get: {
        operationId: 'listPings',
        tags: ['pings'],
        summary: 'The pings kept of a check, newest first',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('checkId')],
        responses: { '200': json('the pings', ref('PingList')), ...errors(401, 404, 429) },
      },
    },
    '/checks/{id}/pings/{n}/body': {
      get: {
        operationId: 'getPingBody',
        tags: ['pings'],
        summary: 'The stored request body of a ping',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [
          param('checkId'),
          {
            name: 'n',
            in: 'path',
            required: true,
            description: 'the ping number (`n`)',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        responses: {
          '200': {
            description: 'the body as stored (cut at PING_BODY_LIMIT_BYTES)',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errors(401, 429),
          '404': json('no such check or ping, or the ping has no body', ref('Error')),
        },
      },
    },
    '/checks/{id}/flips/': {
      get: {
        operationId: 'listFlips',
        tags: ['checks'],
        summary: 'Status changes of a check',
        security: keyed,
        'x-key-scope': 'read',
        parameters: [
          param('checkIdOrUniqueKey'),
          {
            name: 'seconds',
            in: 'query',
            description: 'only the flips of the last N seconds',
            schema: { type: 'integer', minimum: 0 },
          },
          {
            name: 'start',
            in: 'query',
            description: 'only flips at or after this UNIX time',
            schema: { type: 'integer', minimum: 0 },
          },
          {
            name: 'end',
            in: 'query',
            description: 'only flips before this UNIX time',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        responses: { '200': json('the flips', ref('FlipList')), ...errors(400, 401, 404, 429) },
      },
    },
    '/channels/': {
      get: {
        operationId: 'listChannels',
        tags: ['channels'],
        summary: 'The account’s notification channels',
        security: keyed,
        'x-key-scope': 'write',
        responses: { '200': json('the channels', ref('ChannelList')), ...errors(401, 429) },
      },
      post: {
        operationId: 'createChannel',
        tags: ['channels'],
        summary: 'Create a channel: email, Slack, webhook or another integration',
        security: keyed,
        'x-key-scope': 'write',
        requestBody: channelBody(true),
        responses: {
          '201': json('created', ref('Channel')),
          ...errors(400, 401, 413, 429),
        },
      },
    },
    '/channels/{id}': {
      get: {
        operationId: 'getChannel',
        tags: ['channels'],
        summary: 'Get one channel',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('channelId')],
        responses: { '200': json('the channel', ref('Channel')), ...errors(401, 404, 429) },
      },
      post: {
        operationId: 'updateChannel',
        tags: ['channels'],
        summary: 'Update a channel: only the fields given change',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('channelId')],
        requestBody: channelBody(true),
        responses: {
          '200': json('the updated channel', ref('Channel')),
          ...errors(400, 401, 404, 413, 429),
        },
      },
      delete: {
        operationId: 'deleteChannel',
        tags: ['channels'],
        summary: 'Delete a channel; checks stop alerting through it',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('channelId')],
        responses: {
          '200': json('the deleted channel', ref('Channel')),
          ...errors(401, 404, 429),
        },
      },
    },
    '/channels/{id}/test': {
      post: {
        operationId: 'testChannel',
        tags: ['channels'],
        summary: 'Send a test notification through a channel',
        security: keyed,
        'x-key-scope': 'write',
        parameters: [param('channelId')],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { api_key: { type: 'string' } },
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          '200': json('sent through the channel’s real transport', {
            type: 'object',
            required: ['ok'],
            properties: { ok: { const: true } },
            additionalProperties: false,
          }),
          ...errors(400, 401, 404, 429),
          '502': json('the transport refused or failed; its error', ref('Error')),
        },
      },
    },
    '/badges/': {
      get: {
        operationId: 'listBadges',
        tags: ['badges'],
        summary: 'The account’s status badge URLs, per tag and "*" for all checks',
        security: keyed,
        'x-key-scope': 'read',
        responses: {
          '200': json('the badge URLs', ref('BadgeList')),
          ...errors(401, 429),
        },
      },
    },
    ...jobPaths,
    ...policyPaths,
    '/status/': {
      get: {
        operationId: 'status',
        tags: ['service'],
        summary: 'Whether the service and its database answer',
        security: noKey,
        'x-key-scope': 'none',
        responses: {
          '200': json('up', ref('Status')),
          ...errors(429),
          '503': json('the database does not answer', ref('Status')),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        tags: ['service'],
        summary: 'This document',
        security: noKey,
        'x-key-scope': 'none',
        responses: {
          '200': json('the OpenAPI 3.1 document', { type: 'object' }),
          ...errors(429),
        },
      },
    },
  },
  components: {
    schemas: { ...schemas, ...jobSchemas, ...policySchemas },
    parameters: { ...parameters, ...jobParameters },
    responses,
    securitySchemes: {
      apiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description: 'or `api_key` in the JSON body of a POST',
      },
    },
  },
};

export function serveOpenApi(): RequestHandler {
  const body = JSON.stringify(openApiDocument);
  return (_req, res) => {
    res.type('application/json').send(body);
  };
}
