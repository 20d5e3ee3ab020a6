// What an alert tells (issue 17 item 15): a failure alert quotes the job's output (the first
// 2 kB of the failing ping's body) and its exit status; miss and recovery alerts show the
// expected time and the deadline, each labelled. Real pings, real SMTP, real receivers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver, startSmtp, type Mail } from '../helpers/receivers.js';

const db = await testDatabase();
const smtp = await startSmtp();
const hooks = await startHttpReceiver();
const env = {
  SMTP_URL: smtp.url,
  SMTP_FROM: 'cronwatch@test.local',
  SLACK_WEBHOOK_URL: hooks.url + '/slack',
};
let clock = new Date('2026-04-01T10:00:00Z');
const app = createApp(frontDeps(db.pool, { env, clock: () => clock }));
const back = backDeps(db.pool, env);
const at = (iso: string) => (clock = new Date(iso));

const { rows: acc } = await db.pool.query(
  `INSERT INTO accounts (name, ping_key) VALUES ('acme', 'pk_alerts') RETURNING id`,
);

/** A check with the job's email and a webhook channel; pinged once at `clock`. */
async function newCheck(name: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO checks (account_id, name, slug, period, grace, email)
     VALUES ($1, $2, $2, 600, 60, 'ops@acme.io') RETURNING id, uuid`,
    [acc[0].id, name],
  );
  await db.pool.query(
    `WITH ch AS (INSERT INTO channels (account_id, kind, config)
                 VALUES ($1, 'webhook', jsonb_build_object('url', $2::text)) RETURNING id)
     INSERT INTO check_channels (check_id, channel_id) SELECT $3, id FROM ch`,
    [acc[0].id, `${hooks.url}/hook/${name}`, rows[0].id],
  );
  assert.equal((await request(app).get(`/ping/${rows[0].uuid}`)).status, 200);
  return rows[0].uuid;
}

/** Sends what is pending; the mail, Slack text and webhook body about `name`, newest. */
async function delivered(name: string) {
  await dispatchOnce(back, clock);
  const mail = smtp.mails.filter((m) => m.subject.startsWith(`${name}:`)).at(-1) as Mail;
  const slack = hooks.requests
    .filter((r) => r.path === '/slack' && (r.json as { text: string }).text.includes(` ${name} `))
    .at(-1)!;
  const hook = hooks.requests.filter((r) => r.path === `/hook/${name}`).at(-1)!;
  assert.ok(mail && slack && hook, `one alert of ${name} on each channel`);
  return {
    mail,
    slack: (slack.json as { text: string }).text,
    hook: hook.json as Record<string, unknown>,
  };
}

describe('a failure alert quotes the job', () => {
  test('an exit-code ping: its status, and the first 2 kB of its output, plain in text', async () => {
    const uuid = await newCheck('exiter');
    const head = 'line one\r\n<b>disk & full</b> <!channel>\n';
    const body = head + 'x'.repeat(3000);
    at('2026-04-01T10:05:00Z');
    const res = await request(app).post(`/ping/${uuid}/3`).type('text').send(body);
    assert.equal(res.status, 200);
    const { mail, slack, hook } = await delivered('exiter');

    assert.equal(mail.subject, 'exiter: acme failed');
    const lines = mail.text.split('\n');
    assert.equal(
      lines[0],
      'The cronjob exiter for account acme reported a failure (exit status 3)',
    );
    assert.ok(lines.includes('Reported at: 2026-04-01T10:05:00.000Z'), mail.text);
    assert.ok(lines.includes('Output (first 2 kB):'), mail.text);
    assert.ok(lines.includes('    line one'), mail.text);
    assert.ok(lines.includes('    <b>disk & full</b> <!channel>'), mail.text);
    // 2048 bytes of the body: what the head left of them is x's.
    const xs = lines.find((l) => l.startsWith('    xxx'))!;
    assert.equal(xs.trim().length, 2048 - Buffer.byteLength(head));

    // Slack would turn <!channel> into a mention of everyone: escaped, shown as sent.
    assert.match(slack, /&lt;b&gt;disk &amp; full&lt;\/b&gt; &lt;!channel&gt;/);
    assert.doesNotMatch(slack, /<!channel>/);

    assert.equal(hook.exit_status, 3);
    assert.equal(hook.output, body.slice(0, 2048));
  });

  test('a /fail ping says "reported a failure" once, and quotes its body', async () => {
    await newCheck('failer');
    at('2026-04-01T10:06:00Z');
    const res = await request(app)
      .post('/ping/pk_alerts/failer/fail')
      .type('text')
      .send('Traceback: boom\n');
    assert.equal(res.status, 200);
    const { mail, hook } = await delivered('failer');
    const lines = mail.text.split('\n');
    assert.equal(lines[0], 'The cronjob failer for account acme reported a failure');
    assert.doesNotMatch(mail.text, /failure reported|exit status/i);
    assert.ok(lines.includes('Output (all of it):'), mail.text);
    assert.ok(lines.includes('    Traceback: boom'), mail.text);
    assert.equal(hook.output, 'Traceback: boom\n');
    assert.equal(hook.exit_status, undefined);
  });
});

test('miss and recovery alerts label the expected time and the deadline (grace included)', async () => {
  at('2026-04-01T11:00:00Z');
  const uuid = await newCheck('timely');
  // Every 600 s, 60 s grace: expected at 11:10, missed after 11:11.
  assert.equal((await sweepOnce(back, new Date('2026-04-01T11:11:01Z'))).down, 1);
  at('2026-04-01T11:11:01Z');
  const down = (await delivered('timely')).mail.text.split('\n');
  assert.equal(down[0], 'The cronjob timely for account acme has not checked in on time');
  assert.deepEqual(down.slice(2, 5), [
    'Last check-in: 2026-04-01T11:00:00.000Z',
    'Expected at:   2026-04-01T11:10:00.000Z',
    'Deadline:      2026-04-01T11:11:00.000Z (expected time + 60 s grace)',
  ]);

  at('2026-04-01T11:12:00Z');
  assert.equal((await request(app).get(`/ping/${uuid}`)).status, 200);
  const up = (await delivered('timely')).mail.text.split('\n');
  assert.equal(up[0], 'The cronjob timely for account acme is back online');
  assert.deepEqual(up.slice(2, 5), [
    'Checked in at: 2026-04-01T11:12:00.000Z',
    'Next expected: 2026-04-01T11:22:00.000Z',
    'Deadline:      2026-04-01T11:23:00.000Z (expected time + 60 s grace)',
  ]);
});
