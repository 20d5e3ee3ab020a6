// The jobs pages over HTTP (issue 13): the form creates and edits every field through the
// API's validation, each bad value comes back next to its field with nothing written, the
// list shows the schedule in words, the next run and the last outcome, the job page's
// buttons pause, resume and delete, and one account never sees another's jobs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApp } from '../../src/front/app.js';
import { insertChannel } from '../../src/db/channels.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { signIn } from '../helpers/web.js';

const db = await testDatabase();
const app = createApp(frontDeps(db.pool, { env: { OUTBOUND_ALLOW_PRIVATE: '1' } }));
const HOSTILE = `<script>alert(1)</script>"'&`;
const A = await newAccount(db.pool, 'web-jobs');
const B = await newAccount(db.pool, 'web-jobs-other');
const a = await signIn(app, await newKey(db.pool, A, 'write'));
const ro = await signIn(app, await newKey(db.pool, A, 'read'));
const b = await signIn(app, await newKey(db.pool, B, 'write'));
const hookA = await insertChannel(
  db.pool,
  A,
  { kind: 'webhook', name: 'hook-a', config: { url: 'http://127.0.0.1:9/a' } },
  new Date(),
);
await insertChannel(
  db.pool,
  A,
  { kind: 'webhook', name: 'hook-b', config: { url: 'http://127.0.0.1:9/b' } },
  new Date(),
);

function form(extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    _csrf: a.csrf,
    name: 'poll',
    tags: 'prod web',
    schedule_kind: 'every',
    every: '300',
    schedule: '',
    tz: 'UTC',
    kind: 'http',
    'http.url': 'http://127.0.0.1:9/hook',
    'http.method': 'POST',
    'http.headers': 'Content-Type: application/json\nX-Team: ops',
    'http.body': '{"a":1}',
    'http.expected_statuses': '200, 204',
    timeout: '20',
    attempts: '3',
    overlap: 'queue',
    catch_up: 'none',
    channels: [hookA],
    ...extra,
  };
}

async function jobCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM jobs WHERE account_id = $1 AND status <> 'deleted'",
    [A],
  );
  return rows[0]!.n;
}

/** The error shown in the field named `name` of a form page, or undefined. */
function fieldError(page: string, name: string): string | undefined {
  const block = new RegExp(
    `data-field="${name.replace(/\./g, '\\.')}"[\\s\\S]*?<p class="field-error"[^>]*>([^<]*)</p>`,
  ).exec(page);
  const next = page.indexOf('data-field=', page.indexOf(`data-field="${name}"`) + 1);
  if (!block || (next !== -1 && block.index + block[0].length > next)) return undefined;
  return block[1]!.trim();
}

describe('jobs pages', { timeout: 30_000 }, () => {
  let uuid = '';

  test('the form creates a job with every field; the job page shows them', async () => {
    const page = await a.agent.get('/dashboard/jobs/new');
    assert.equal(page.status, 200);
    // Every kind of the registry has its settings on the form.
    assert.match(page.text, /name="http\.url"/);
    assert.match(page.text, /name="page-change\.selector"/);
    const res = await a.agent.post('/dashboard/jobs').type('form').send(form());
    assert.equal(res.status, 303, res.text);
    uuid = /\/dashboard\/jobs\/([0-9a-f-]{36})$/.exec(res.headers.location!)![1]!;
    const { rows } = await db.pool.query(
      `SELECT j.name, j.tags, j.every_seconds, j.settings, j.timeout_ms, j.max_attempts, j.overlap,
              j.catch_up, (SELECT array_agg(ch.name) FROM check_channels cc JOIN channels ch
                ON ch.id = cc.channel_id WHERE cc.check_id = j.check_id) AS channels
         FROM jobs j WHERE j.uuid = $1`,
      [uuid],
    );
    assert.deepEqual(rows[0], {
      name: 'poll',
      tags: ['prod', 'web'],
      every_seconds: 300,
      settings: {
        method: 'POST',
        url: 'http://127.0.0.1:9/hook',
        headers: { 'Content-Type': 'application/json', 'X-Team': 'ops' },
        body: '{"a":1}',
        expectedStatuses: [200, 204],
      },
      timeout_ms: 20_000,
      max_attempts: 3,
      overlap: 'queue',
      catch_up: 'none',
      channels: ['hook-a'],
    });
    const shown = await a.agent.get(`/dashboard/jobs/${uuid}`);
    assert.equal(shown.status, 200);
    assert.match(shown.text, /every 5 minutes/);
    assert.match(shown.text, /POST http:\/\/127\.0\.0\.1:9\/hook/);
    assert.match(shown.text, /3 attempts,\s+overlap queue, catch-up none/);
    assert.match(shown.text, /No runs yet|scheduled/i);
  });

  test('each bad value shows its message next to its field, and nothing is written', async () => {
    const before = await jobCount();
    const cases: [Record<string, string | string[]>, string, RegExp][] = [
      [{ name: '' }, 'name', /^name must be 1-200 characters long/],
      [{ schedule_kind: 'cron', schedule: '61 * * * *' }, 'schedule', /schedule/],
      [{ schedule_kind: 'cron', schedule: '0 3 * * *', tz: 'Mars/Olympus' }, 'tz', /^tz /],
      [{ every: 'often' }, 'every', /^every must be a whole number from 1 to 31536000$/],
      [{ schedule_kind: 'at', at: '2020-01-01T00:00:00Z' }, 'at', /^at is in the past$/],
      [{ schedule_kind: 'after', after: '0' }, 'after', /^after must be a whole number/],
      [{ start: 'tomorrow' }, 'start', /^start must be an ISO 8601 time/],
      [{ 'http.url': 'ftp://x' }, 'http.url', /^url must be an http:\/\/ or https:\/\/ URL$/],
      [{ 'http.url': 'http://169.254.169.254/' }, 'http.url', /^url is refused/],
      [{ 'http.headers': 'no colon here' }, 'http.headers', /line 1 is not "Name: value"/],
      [{ 'http.headers': 'Connection: close' }, 'http.headers', /set by the connection/],
      [{ 'http.method': 'GET' }, 'http.body', /^body cannot be sent with GET$/],
      [{ 'http.expected_statuses': '200, abc' }, 'http.expected_statuses', /HTTP statuses/],
      [{ 'http.body_regex': '(' }, 'http.body_regex', /not a valid regular expression/],
      [{ timeout: '901' }, 'timeout', /^timeout must be a whole number from 1 to 900$/],
      [{ attempts: '0' }, 'attempts', /^attempts must be a whole number from 1 to 20$/],
      [{ overlap: 'sometimes' }, 'overlap', /^overlap must be one of skip, allow, queue$/],
      [{ kind: 'page-change', 'page-change.url': '' }, 'page-change.url', /^url is required$/],
      [
        {
          kind: 'page-change',
          'page-change.url': 'http://127.0.0.1:9/',
          'page-change.selector': 'div[',
        },
        'page-change.selector',
        /not a valid CSS selector/,
      ],
      [{ channels: ['not-a-channel'] }, 'channels', /invalid channel identifier/],
    ];
    for (const [extra, field, message] of cases) {
      const res = await a.agent.post('/dashboard/jobs').type('form').send(form(extra));
      assert.equal(res.status, 400, `${field}: ${res.text.slice(0, 300)}`);
      const shown = fieldError(res.text, field);
      assert.ok(shown, `an error next to ${field} for ${JSON.stringify(extra)}`);
      assert.match(shown.replace(/&quot;/g, '"').replace(/&#39;/g, "'"), message);
      assert.match(res.text, /Nothing was saved/);
    }
    // Several bad values at once: each next to its own field, the typed values kept.
    const res = await a.agent
      .post('/dashboard/jobs')
      .type('form')
      .send(form({ name: HOSTILE, every: '0', timeout: '0', 'http.url': 'nope' }));
    assert.equal(res.status, 400);
    assert.match(fieldError(res.text, 'every')!, /^every must be/);
    assert.match(fieldError(res.text, 'timeout')!, /^timeout must be/);
    assert.match(fieldError(res.text, 'http.url')!, /^url must be/);
    assert.ok(!res.text.includes(HOSTILE), 'the typed name comes back escaped');
    assert.ok(res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;'));
    assert.equal(await jobCount(), before, 'nothing written');
  });

  test('the edit form shows the job, saves a new schedule, and refuses a bad one unchanged', async () => {
    const page = await a.agent.get(`/dashboard/jobs/${uuid}/edit`);
    assert.equal(page.status, 200);
    const headers = /name="http\.headers"[^>]*>([^<]*)</.exec(page.text)![1]!;
    assert.deepEqual(headers.trim().split('\n').sort(), [
      'Content-Type: application/json',
      'X-Team: ops',
    ]);
    assert.match(page.text, /value="200, 204"/);
    const bad = await a.agent
      .post(`/dashboard/jobs/${uuid}`)
      .type('form')
      .send(form({ schedule_kind: 'cron', schedule: '0 25 * * *' }));
    assert.equal(bad.status, 400);
    assert.ok(fieldError(bad.text, 'schedule'));
    const { rows } = await db.pool.query('SELECT schedule_kind FROM jobs WHERE uuid = $1', [uuid]);
    assert.equal(rows[0].schedule_kind, 'every', 'unchanged');
    const ok = await a.agent
      .post(`/dashboard/jobs/${uuid}`)
      .type('form')
      .send(
        form({
          schedule_kind: 'cron',
          schedule: '30 2 * * *',
          tz: 'Europe/Berlin',
          'http.body': '',
          'http.method': '',
          channels: [],
        }),
      );
    assert.equal(ok.status, 303, ok.text);
    const after = await db.pool.query(
      `SELECT j.cron, j.tz, j.settings, (SELECT count(*)::int FROM check_channels cc
          WHERE cc.check_id = j.check_id) AS links FROM jobs j WHERE uuid = $1`,
      [uuid],
    );
    assert.equal(after.rows[0].cron, '30 2 * * *');
    assert.equal(after.rows[0].tz, 'Europe/Berlin');
    assert.equal(after.rows[0].settings.body, undefined, 'an emptied body is removed');
    assert.equal(after.rows[0].settings.method, 'GET');
    assert.equal(after.rows[0].links, 0, 'no channel ticked: none linked');
    const list = await a.agent.get('/dashboard/jobs');
    assert.match(list.text, /At 02:30 AM \(Europe\/Berlin\)|At 02:30 \(Europe\/Berlin\)/);
  });

  test('a one-off whose time has passed can still be renamed; a new time must be ahead', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await a.agent
      .post('/dashboard/jobs')
      .type('form')
      .send(form({ name: 'once', schedule_kind: 'at', at }));
    assert.equal(res.status, 303, res.text);
    const once = /\/dashboard\/jobs\/(.+)$/.exec(res.headers.location!)![1]!;
    const past = new Date(Date.now() - 60_000);
    await db.pool.query('UPDATE jobs SET run_at = $2 WHERE uuid = $1', [once, past]);
    const page = await a.agent.get(`/dashboard/jobs/${once}/edit`);
    assert.match(page.text, new RegExp(`name="at" type="text" value="${past.toISOString()}"`));
    const renamed = await a.agent
      .post(`/dashboard/jobs/${once}`)
      .type('form')
      .send(form({ name: 'once renamed', schedule_kind: 'at', at: past.toISOString() }));
    assert.equal(renamed.status, 303, renamed.text);
    const moved = await a.agent
      .post(`/dashboard/jobs/${once}`)
      .type('form')
      .send(form({ schedule_kind: 'at', at: '2020-01-01T00:00:00Z' }));
    assert.equal(moved.status, 400);
    assert.equal(fieldError(moved.text, 'at'), 'at is in the past');
    const { rows } = await db.pool.query('SELECT name FROM jobs WHERE uuid = $1', [once]);
    assert.equal(rows[0].name, 'once renamed');
  });

  test('the list: schedule in words, next run, last outcome; hostile names escaped', async () => {
    const res = await a.agent
      .post('/dashboard/jobs')
      .type('form')
      .send(form({ name: HOSTILE }));
    assert.equal(res.status, 303);
    const hostile = /\/dashboard\/jobs\/(.+)$/.exec(res.headers.location!)![1]!;
    const job = await db.pool.query<{ id: number }>('SELECT id FROM jobs WHERE uuid = $1', [
      hostile,
    ]);
    await db.pool.query(
      `INSERT INTO ticks (job_id, scheduled_for, due_at, state, attempts, outcome, finished_at)
       VALUES ($1, now() - interval '5 minutes', now(), 'dead', 3, '{"ok":false,"status":503,"durationMs":12,"error":"status 503 is not a 2xx"}', now() - interval '4 minutes')`,
      [job.rows[0]!.id],
    );
    const list = await a.agent.get('/dashboard/jobs');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(HOSTILE));
    const row = new RegExp(`<tr class="job st-up" data-uuid="${hostile}">([\\s\\S]*?)</tr>`).exec(
      list.text,
    )![1]!;
    assert.match(row, /every 5 minutes/);
    assert.match(row, /class="next"[\s\S]*?<time[^>]*>in (4|5) min<\/time/);
    assert.match(row, /badge st-down">dead<\/span>[\s\S]*?>4 min ago[\s\S]*?HTTP 503/);
    const page = await a.agent.get(`/dashboard/jobs/${hostile}`);
    assert.match(page.text, /<h2>Dead runs<\/h2>[\s\S]*?status 503 is not a 2xx[\s\S]*?Redrive/);
  });

  test('a one-off whose run ended shows finished in the list, its tab and its page', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await a.agent
      .post('/dashboard/jobs')
      .type('form')
      .send(form({ name: 'once done', schedule_kind: 'at', at }));
    assert.equal(res.status, 303, res.text);
    const done = /\/dashboard\/jobs\/(.+)$/.exec(res.headers.location!)![1]!;
    // Its single run ended as the engine ends it (the API test runs it through the engine).
    await db.pool.query(
      `UPDATE ticks SET state = 'succeeded', finished_at = now(), outcome = '{"ok":true,"status":200}'
        WHERE job_id = (SELECT id FROM jobs WHERE uuid = $1)`,
      [done],
    );
    const rowOf = (text: string) =>
      new RegExp(`<tr class="job [^"]*" data-uuid="${done}">([\\s\\S]*?)</tr>`).exec(text)?.[1];
    const row = rowOf((await a.agent.get('/dashboard/jobs')).text)!;
    assert.match(row, /class="badge st-paused">finished</);
    assert.match(row, /class="next"[\s\S]*?muted">finished</);
    const tab = await a.agent.get('/dashboard/jobs?status=finished');
    assert.match(tab.text, /class="tab current"[^>]*>finished <b>1<\/b>/);
    assert.ok(rowOf(tab.text));
    assert.equal(rowOf((await a.agent.get('/dashboard/jobs?status=active')).text), undefined);
    const page = await a.agent.get(`/dashboard/jobs/${done}`);
    assert.match(page.text, /<h1 class="check-title">[\s\S]*?badge st-paused">finished</);
    assert.match(page.text, /<dt>Next run<\/dt>\s*<dd>\s*<span class="muted">finished</);
    // Nothing left to pause; it can still be edited, deleted or run again.
    assert.doesNotMatch(page.text, /action-pause/);
    assert.match(page.text, /action-delete/);
    await db.pool.query('DELETE FROM jobs WHERE uuid = $1', [done]);
  });

  test('pause, resume and delete from the job page; read-only and other accounts cannot', async () => {
    const post = (path: string, s = a) =>
      s.agent.post(`/dashboard/jobs/${uuid}/${path}`).type('form').send({ _csrf: s.csrf });
    assert.equal((await post('pause')).status, 303);
    let page = await a.agent.get(`/dashboard/jobs/${uuid}`);
    assert.match(page.text, /badge st-paused">paused/);
    assert.match(page.text, />Resume</);
    assert.equal((await post('run')).status, 409, 'a paused job does not run now');
    assert.equal((await post('resume')).status, 303);
    page = await a.agent.get(`/dashboard/jobs/${uuid}`);
    assert.match(page.text, />Run now</);

    assert.equal((await post('pause', ro)).status, 403);
    assert.equal((await ro.agent.get('/dashboard/jobs/new')).status, 403);
    assert.doesNotMatch((await ro.agent.get('/dashboard/jobs')).text, /New job/);
    assert.equal((await b.agent.get(`/dashboard/jobs/${uuid}`)).status, 404);
    assert.equal((await post('delete', b)).status, 404);
    assert.equal(
      (await a.agent.post(`/dashboard/jobs/${uuid}/pause`).type('form').send({})).status,
      403,
      'no CSRF token',
    );

    assert.equal((await post('delete')).status, 303);
    assert.equal((await a.agent.get(`/dashboard/jobs/${uuid}`)).status, 404);
  });
});
