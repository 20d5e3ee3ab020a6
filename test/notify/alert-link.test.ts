// The link at the end of an alert opens the check's page (issue 17 item 14): followed from a
// real mail (smtp-server), against the real app listening on 127.0.0.1 as PUBLIC_URL, and
// the same link in the Slack text and the webhook payload.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import request from 'supertest';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { sweepOnce } from '../../src/back/sweep.js';
import { createApp } from '../../src/front/app.js';
import { newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { backDeps } from '../helpers/back.js';
import { testDatabase } from '../helpers/db.js';
import { startHttpReceiver, startSmtp } from '../helpers/receivers.js';
import { signIn } from '../helpers/web.js';

const db = await testDatabase();
const smtp = await startSmtp();
const hooks = await startHttpReceiver();

let clock = new Date('2026-03-02T08:00:00Z');
const app = createApp(frontDeps(db.pool, { clock: () => clock }));
const server = http.createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const back = backDeps(db.pool, {
  SMTP_URL: smtp.url,
  SMTP_FROM: 'cronwatch@test.local',
  SLACK_WEBHOOK_URL: hooks.url + '/slack',
  PUBLIC_URL: publicUrl,
});

/** A gocron job of account `linkacct` with a webhook channel, missed and alerted. */
async function missedJob(): Promise<string> {
  const res = await request(app).get(
    '/?cronname=nightly&account=linkacct&email=ops@link.test&frequency=600',
  );
  assert.equal(res.status, 201, res.text);
  await db.pool.query(
    `WITH ch AS (INSERT INTO channels (account_id, kind, config)
                 SELECT account_id, 'webhook', jsonb_build_object('url', $2::text) FROM checks WHERE name = $1
                 RETURNING id)
     INSERT INTO check_channels (check_id, channel_id) SELECT c.id, ch.id FROM checks c, ch WHERE c.name = $1`,
    ['nightly', hooks.url + '/hook'],
  );
  clock = new Date('2026-03-02T08:20:00Z');
  assert.equal((await sweepOnce(back, clock)).down, 1);
  assert.deepEqual(await dispatchOnce(back, clock), { sent: 3, retry: 0, dead: 0 });
  const { rows } = await db.pool.query(`SELECT uuid FROM checks WHERE name = 'nightly'`);
  return rows[0].uuid as string;
}

test('the link in a real alert mail opens the check page; Slack and webhooks carry the same', async () => {
  const uuid = await missedJob();
  assert.equal(smtp.mails.length, 1);
  const mail = smtp.mails[0]!;
  const link = mail.text.split('\n').at(-1)!;
  assert.match(link, /^https?:\/\/\S+$/, `the mail ends in a link: ${mail.text}`);
  assert.equal(link, `${publicUrl}/dashboard/checks/${uuid}`);

  // Followed without a session: the dashboard's sign-in, which comes back to the page.
  const anonymous = await fetch(link, { redirect: 'manual' });
  assert.equal(anonymous.status, 303);
  assert.equal(
    anonymous.headers.get('location'),
    `/login?next=${encodeURIComponent(new URL(link).pathname)}`,
  );

  // Signed in with a key of the check's account: the check's own page.
  const { rows } = await db.pool.query(`SELECT id FROM accounts WHERE name = 'linkacct'`);
  const { agent } = await signIn(app, await newKey(db.pool, rows[0].id as number, 'read'));
  const page = await agent.get(new URL(link).pathname);
  assert.equal(page.status, 200, page.text);
  assert.match(
    page.text,
    /<h1 class="check-title">\s*<span class="dot st-down"><\/span> nightly\n/,
  );

  const slack = hooks.requests.filter((r) => r.path === '/slack');
  const hook = hooks.requests.filter((r) => r.path === '/hook');
  assert.equal(slack.length, 1);
  assert.equal((slack[0]!.json as { text: string }).text.split('\n').at(-1), link);
  assert.equal(hook.length, 1);
  const payload = hook[0]!.json as { url: string; text: string };
  assert.equal(payload.url, link);
  assert.equal(payload.text.split('\n').at(-1), link);
});
