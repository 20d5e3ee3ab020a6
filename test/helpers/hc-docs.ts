import assert from 'node:assert/strict';

// The documented examples (healthchecks.io/docs/api/, v3), with `uuid` which healthchecks
// added to read-write responses later (the docs' changelog: "Add uuid field in API
// responses when read/write key is used") and subject/subject_fail of its to_dict.

export const DOC_CHECK_RW_SIMPLE = {
  name: 'Filesystem Backup',
  slug: 'filesystem-backup',
  tags: 'backup fs',
  desc: 'Runs incremental backup every hour',
  grace: 600,
  n_pings: 1,
  status: 'up',
  started: false,
  last_ping: '2020-03-24T14:02:03+00:00',
  next_ping: '2020-03-24T15:02:03+00:00',
  manual_resume: false,
  methods: '',
  start_kw: 'START',
  success_kw: 'SUCCESS',
  failure_kw: 'ERROR',
  filter_subject: true,
  filter_body: false,
  ping_url: 'https://hc-ping.com/31365bce-8da9-4729-8ff3-aaa71d56b712',
  update_url: 'https://healthchecks.io/api/v3/checks/31365bce-8da9-4729-8ff3-aaa71d56b712',
  pause_url: 'https://healthchecks.io/api/v3/checks/31365bce-8da9-4729-8ff3-aaa71d56b712/pause',
  resume_url: 'https://healthchecks.io/api/v3/checks/31365bce-8da9-4729-8ff3-aaa71d56b712/resume',
  channels: '1bdea468-03bf-47b8-ab27-29a9dd0e4b94,51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c',
  timeout: 3600,
};
export const DOC_CHECK_RO_CRON = {
  name: 'Database Backup',
  slug: 'database-backup',
  tags: 'production db',
  desc: 'Runs ~/db-backup.sh',
  grace: 1200,
  n_pings: 7,
  status: 'down',
  started: false,
  last_ping: '2020-03-23T10:19:32+00:00',
  next_ping: null,
  manual_resume: false,
  methods: '',
  start_kw: '',
  success_kw: '',
  failure_kw: '',
  filter_subject: false,
  filter_body: false,
  unique_key: '124f983e0e3dcaeba921cfcef46efd084576e783',
  schedule: '15 5 * * *',
  tz: 'UTC',
};
export const EXTRA_RW = [
  'uuid',
  'subject',
  'subject_fail',
  // cronwatch's alert policies (issue 16), shown to read-write keys only.
  'failure_threshold',
  'success_threshold',
  'min_runtime',
  'max_runtime',
  'repeat_every',
  'repeat_limit',
  'depends_on',
  'snoozed_until',
  'acknowledged',
];
export const EXTRA_RO = ['subject', 'subject_fail'];
export const DOC_PING_SUCCESS = {
  type: 'success',
  date: '2020-06-09T14:51:06.113073+00:00',
  n: 4,
  scheme: 'http',
  remote_addr: '192.0.2.0',
  method: 'GET',
  ua: 'curl/7.68.0',
  rid: '123e4567-e89b-12d3-a456-426614174000',
  duration: 2.896736,
  body_url: null,
};
export const DOC_PING_START = {
  type: 'start',
  date: '2020-06-09T14:51:03.216337+00:00',
  n: 3,
  scheme: 'http',
  remote_addr: '192.0.2.0',
  method: 'GET',
  ua: 'curl/7.68.0',
  rid: null,
  body_url: null,
};
export const DOC_FLIP = { timestamp: '2020-03-23T10:18:23+00:00', up: 1 };
export const DOC_CHANNEL = {
  id: '4ec5a071-2d08-4baa-898a-eb4eb3cd6941',
  name: 'My Work Email',
  kind: 'email',
};

/** Fields documented as a string in one example and null in another. */
export const NULLABLE = new Set(['last_ping', 'next_ping', 'rid', 'body_url', 'remote_addr']);
export function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
/** Field names and JSON types of `actual` equal the documented ones, plus `extra` names. */
export function assertShape(
  actual: Record<string, unknown>,
  doc: Record<string, unknown>,
  extra: string[] = [],
) {
  assert.deepEqual(
    Object.keys(actual).sort(),
    [...Object.keys(doc), ...extra].sort(),
    'field names',
  );
  for (const [k, v] of Object.entries(doc)) {
    const type = jsonType(actual[k]);
    const allowed = NULLABLE.has(k) ? ['null', 'string'] : [jsonType(v)];
    assert.ok(allowed.includes(type), `type of ${k}: ${JSON.stringify(actual[k])}`);
  }
}
