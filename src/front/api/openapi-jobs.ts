// The /jobs/ part of the OpenAPI document (issue 12), kept apart from openapi.ts's checks.
import { FINAL_STATES } from '../../domain/job-retry.js';
import { errors, json, keyed, nullable, param, ref, type Schema } from './openapi-parts.js';

const instant = { type: 'string', format: 'date-time' };

const httpSettings: Record<string, Schema> = {
  method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
  url: { type: 'string', maxLength: 2048, description: 'http:// or https://' },
  headers: { type: 'object', additionalProperties: { type: 'string' } },
  body: { type: 'string', description: 'at most 100,000 bytes' },
  expected_statuses: {
    type: 'array',
    items: { type: 'integer', minimum: 100, maximum: 599 },
    description: 'statuses that count as success; empty: any 2xx',
  },
  body_regex: nullable('string', { description: 'the answer’s body must match it' }),
};

const policy: Record<string, Schema> = {
  timeout: { type: 'integer', minimum: 1, maximum: 900, description: 'seconds (default 30)' },
  attempts: { type: 'integer', minimum: 1, maximum: 20, description: 'default 5' },
  overlap: { enum: ['skip', 'allow', 'queue'] },
  catch_up: { enum: ['none', 'latest', 'all'] },
  starting_deadline: nullable('integer', { minimum: 1, maximum: 31_536_000 }),
};

export const jobSchemas: Record<string, Schema> = {
  JobInput: {
    type: 'object',
    description:
      'Flat fields: one schedule (schedule + tz, every, at or after), the action’s settings ' +
      '(for kind http: method, url, headers, body, expected_statuses, body_regex; for kind ' +
      'page-change: url, selector) and the run policy.',
    properties: {
      api_key: { type: 'string' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      tags: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      kind: { type: 'string', description: 'the action kind: http (default) or page-change' },
      schedule: { type: 'string', description: '5-field cron, or @hourly … @yearly' },
      tz: { type: 'string', description: 'IANA zone of schedule (default UTC)' },
      every: { type: 'integer', minimum: 1, maximum: 31_536_000 },
      at: instant,
      after: { type: 'integer', minimum: 1, description: 'seconds from now, up to 10 years' },
      start: nullable('string', { format: 'date-time' }),
      end: nullable('string', { format: 'date-time' }),
      secret: nullable('string', { description: 'signs the body: Cronwatch-Signature' }),
      ...policy,
      ...httpSettings,
      selector: nullable('string', { description: 'page-change: the CSS selector to compare' }),
    },
    additionalProperties: false,
  },
  Job: {
    type: 'object',
    required: ['uuid', 'name', 'kind', 'status', 'next_run', 'check'],
    properties: {
      uuid: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      kind: { type: 'string' },
      status: {
        enum: ['active', 'finished', 'paused', 'deleted'],
        description: 'finished: a one-off job whose run ended (nothing left to run)',
      },
      schedule: nullable('string'),
      tz: nullable('string'),
      every: nullable('integer'),
      at: nullable('string', { format: 'date-time' }),
      start: nullable('string', { format: 'date-time' }),
      end: nullable('string', { format: 'date-time' }),
      next_run: nullable('string', { format: 'date-time' }),
      check: nullable('string', {
        format: 'uuid',
        description: 'the check that watches a recurring job',
      }),
      signed: { type: 'boolean' },
      created: instant,
      updated: instant,
      ...policy,
      ...httpSettings,
    },
    additionalProperties: true,
  },
  JobList: {
    type: 'object',
    required: ['jobs', 'next_cursor'],
    properties: {
      jobs: { type: 'array', items: ref('Job') },
      next_cursor: nullable('string'),
    },
    additionalProperties: false,
  },
  Run: {
    type: 'object',
    required: ['run_id', 'scheduled_for', 'state', 'attempts', 'outcome'],
    properties: {
      run_id: { type: 'string', format: 'uuid' },
      scheduled_for: instant,
      state: { enum: ['pending', 'running', ...FINAL_STATES] },
      attempts: { type: 'integer', minimum: 0 },
      manual: { type: 'boolean' },
      started: nullable('string', { format: 'date-time' }),
      finished: nullable('string', { format: 'date-time' }),
      next_attempt: nullable('string', { format: 'date-time' }),
      outcome: nullable('object', {
        description: 'the last attempt: status, duration_ms, body (first 10 kB) or error',
      }),
    },
    additionalProperties: false,
  },
  RunList: {
    type: 'object',
    required: ['runs'],
    properties: { runs: { type: 'array', items: ref('Run') } },
    additionalProperties: false,
  },
  RunAccepted: {
    type: 'object',
    required: ['run_id'],
    properties: {
      run_id: { type: 'string', format: 'uuid' },
      scheduled_for: instant,
      state: { const: 'pending' },
    },
    additionalProperties: false,
  },
};

export const jobParameters: Record<string, Record<string, unknown>> = {
  jobId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'the job uuid',
    schema: { type: 'string', format: 'uuid' },
  },
  runId: {
    name: 'run',
    in: 'path',
    required: true,
    description: 'the run id of a tick (Cronwatch-Run-Id)',
    schema: { type: 'string', format: 'uuid' },
  },
};

const body = { required: true, content: { 'application/json': { schema: ref('JobInput') } } };
const op = (
  operationId: string,
  summary: string,
  scope: 'read' | 'write',
  extra: Schema,
): Schema => ({
  operationId,
  tags: ['jobs'],
  summary,
  security: keyed,
  'x-key-scope': scope,
  ...extra,
});
const change = (operationId: string, summary: string, conflict = false): Schema =>
  op(operationId, summary, 'write', {
    parameters: [param('jobId')],
    responses: {
      '200': json('the job after the change', ref('Job')),
      ...errors(401, 404, 429, ...(conflict ? [409] : [])),
    },
  });

export const jobPaths: Record<string, Record<string, unknown>> = {
  '/jobs/': {
    get: op('listJobs', 'List the account’s jobs, a page at a time', 'read', {
      parameters: [
        { name: 'status', in: 'query', schema: { enum: ['active', 'finished', 'paused'] } },
        { name: 'tag', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        {
          name: 'cursor',
          in: 'query',
          description: 'next_cursor of the previous page',
          schema: { type: 'string' },
        },
      ],
      responses: { '200': json('a page of jobs', ref('JobList')), ...errors(400, 401, 429) },
    }),
    post: op('createJob', 'Create a job (a one-off message is one call: at or after)', 'write', {
      requestBody: body,
      responses: { '201': json('the new job', ref('Job')), ...errors(400, 401, 413, 429) },
    }),
  },
  '/jobs/{id}': {
    get: op('getJob', 'Get one job', 'read', {
      parameters: [param('jobId')],
      responses: { '200': json('the job', ref('Job')), ...errors(401, 404, 429) },
    }),
    post: op('updateJob', 'Update a job: only the fields given change', 'write', {
      parameters: [param('jobId')],
      requestBody: body,
      responses: { '200': json('the updated job', ref('Job')), ...errors(400, 401, 404, 413, 429) },
    }),
    patch: op('patchJob', 'Update a job (as POST)', 'write', {
      parameters: [param('jobId')],
      requestBody: body,
      responses: { '200': json('the updated job', ref('Job')), ...errors(400, 401, 404, 413, 429) },
    }),
    delete: change('deleteJob', 'Delete a job; its future ticks are cancelled, its check deleted'),
  },
  '/jobs/{id}/pause': { post: change('pauseJob', 'Pause a job (and its check)') },
  '/jobs/{id}/resume': {
    post: change('resumeJob', 'Resume a job; missed ticks follow its catch-up policy'),
  },
  '/jobs/{id}/run': {
    post: op('runJob', 'Run the job now, outside its schedule', 'write', {
      parameters: [param('jobId')],
      responses: {
        '202': json('the run, queued', ref('RunAccepted')),
        ...errors(401, 404, 409, 429),
      },
    }),
  },
  '/jobs/{id}/runs/': {
    get: op('listRuns', 'The job’s ticks, newest first, with attempts and last outcome', 'read', {
      parameters: [
        param('jobId'),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        {
          name: 'before',
          in: 'query',
          description: 'scheduled_for of the last run shown',
          schema: instant,
        },
      ],
      responses: { '200': json('the runs', ref('RunList')), ...errors(400, 401, 404, 429) },
    }),
  },
  '/jobs/{id}/runs/{run}/redrive': {
    post: op('redriveRun', 'Run a dead or failed tick again, with the same Run-Id', 'write', {
      parameters: [param('jobId'), param('runId')],
      responses: {
        '202': json('the run, queued again', ref('RunAccepted')),
        ...errors(401, 404, 409, 429),
      },
    }),
  },
};
