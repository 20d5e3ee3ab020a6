// The alert-policy part of the OpenAPI document (issue 16): the check's policy fields (in
// its JSON and its create/update body), acknowledge, maintenance windows.
import { errors, json, keyed, nullable, param, ref, type Schema } from './openapi-parts.js';

const secs = (description: string): Schema => ({
  ...nullable('number', { exclusiveMinimum: 0 }),
  description: `seconds, no upper bound; null: none. ${description}`,
});

/** Fields a check's create and update body may carry (each optional). */
export const policyInputFields: Record<string, Schema> = {
  failure_threshold: {
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    description: 'down alert after this many consecutive misses or failures (default 1)',
  },
  success_threshold: {
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    description: 'recovery alert after this many consecutive successes (default 1)',
  },
  min_runtime: secs('A run finishing faster fails ("finished too fast").'),
  max_runtime: secs('A started run not finished by then alerts ("running too long").'),
  repeat_every: {
    ...nullable('integer', { minimum: 60 }),
    description: 'seconds between repeats of the down alert while down; null: never (default)',
  },
  repeat_limit: {
    ...nullable('integer', { minimum: 1 }),
    description: 'at most this many repeats per outage; null: until recovery or acknowledge',
  },
  depends_on: {
    type: 'array',
    items: { type: 'string', format: 'uuid' },
    description:
      'uuids of checks this one depends on: while one is down, this check’s misses are ' +
      'folded into its alert. A cycle is refused (400).',
  },
  snoozed_until: {
    ...nullable('string', { format: 'date-time' }),
    description: 'no down alerts until then (null ends the snooze)',
  },
};

/** The same fields in a check's JSON (read-write keys), and whether its outage is acknowledged. */
export const policyCheckFields: Record<string, Schema> = {
  ...policyInputFields,
  acknowledged: { type: 'boolean', description: 'the current outage was acknowledged' },
};

export const policySchemas: Record<string, Schema> = {
  MaintenanceWindow: {
    type: 'object',
    required: ['uuid', 'check', 'tag', 'cron', 'tz', 'duration', 'from', 'to'],
    properties: {
      uuid: { type: 'string', format: 'uuid' },
      check: nullable('string', { format: 'uuid' }),
      tag: nullable('string'),
      cron: nullable('string'),
      tz: { type: 'string' },
      duration: nullable('integer'),
      from: nullable('string', { format: 'date-time' }),
      to: nullable('string', { format: 'date-time' }),
    },
    additionalProperties: false,
  },
  MaintenanceWindowInput: {
    type: 'object',
    description:
      'One of `check` (uuid) or `tag`; a recurring window (`cron` + `duration` seconds + ' +
      '`tz`, e.g. "0 2 * * 0", 7200, "Europe/Berlin") or a one-off one (`from` + `to`).',
    properties: {
      api_key: { type: 'string' },
      check: { type: 'string', format: 'uuid' },
      tag: { type: 'string' },
      cron: { type: 'string' },
      duration: { type: 'integer', minimum: 1 },
      tz: { type: 'string' },
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
    },
    additionalProperties: false,
  },
  MaintenanceWindowList: {
    type: 'object',
    required: ['windows'],
    properties: { windows: { type: 'array', items: ref('MaintenanceWindow') } },
    additionalProperties: false,
  },
};

const op = (operationId: string, summary: string, extra: Schema): Schema => ({
  operationId,
  tags: ['checks'],
  summary,
  security: keyed,
  'x-key-scope': 'write',
  ...extra,
});

export const policyPaths: Record<string, Record<string, unknown>> = {
  '/checks/{id}/ack': {
    post: op('acknowledgeCheck', 'Acknowledge a down check: its repeat alerts stop', {
      parameters: [param('checkId')],
      responses: {
        '200': json('the acknowledged check', ref('Check')),
        ...errors(401, 404, 429),
        '409': json('the check is not down with an alert out', ref('Error')),
      },
    }),
  },
  '/maintenance_windows/': {
    get: op('listMaintenanceWindows', 'List the account’s maintenance windows', {
      responses: {
        '200': json('the windows', ref('MaintenanceWindowList')),
        ...errors(401, 429),
      },
    }),
    post: op('createMaintenanceWindow', 'Add a maintenance window on a check or a tag', {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('MaintenanceWindowInput') } },
      },
      responses: {
        '201': json('the new window', ref('MaintenanceWindow')),
        ...errors(400, 401, 413, 429),
      },
    }),
  },
  '/maintenance_windows/{id}': {
    delete: op('deleteMaintenanceWindow', 'Delete a maintenance window', {
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          description: 'the window uuid',
          schema: { type: 'string', format: 'uuid' },
        },
      ],
      responses: { '204': { description: 'deleted' }, ...errors(401, 404, 429) },
    }),
  },
};
