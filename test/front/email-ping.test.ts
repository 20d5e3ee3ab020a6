// Check-ins by email (issue 16) through a real SMTP client (nodemailer) to the real listener
// on 127.0.0.1: a mail to <uuid>@domain is a ping of that check, with healthchecks' keyword
// rules; unknown addresses are 550 at RCPT TO, an oversized message 552.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/front/app.js';
import { startPingSmtp } from '../../src/front/smtp-ping.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();
const DOMAIN = 'ping.example.test';
const deps = frontDeps(db.pool);
const app = createApp(deps);
const key = await newKey(db.pool, await newAccount(db.pool, 'mail'), 'write');

async function listener(env: Record<string, string>) {
  const cfg = loadConfig(
    { PING_SMTP_PORT: '0', PING_EMAIL_DOMAIN: DOMAIN, ...env },
    false,
  ).pingEmail!;
  const smtp = await startPingSmtp(deps, cfg, '127.0.0.1');
  after(() => smtp.close());
  const mailer = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  after(() => mailer.close());
  return (to: string | string[], subject: string, text = 'output', extra: object = {}) =>
    mailer.sendMail({ from: 'nas@home.test', to, subject, text, ...extra });
}

async function newCheck(name: string): Promise<string> {
  const res = await request(app)
    .post('/api/v3/checks/')
    .set('X-Api-Key', key)
    .send({ name, timeout: 3600, grace: 60 });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.uuid as string;
}

async function pings(uuid: string) {
  const { rows } = await db.pool.query<{
    kind: string;
    method: string;
    user_agent: string;
    body: string;
  }>(
    `SELECT p.kind, p.method, p.user_agent, p.body FROM pings p JOIN checks c ON c.id = p.check_id
      WHERE c.uuid = $1 ORDER BY p.id`,
    [uuid],
  );
  return rows;
}

async function status(uuid: string): Promise<string> {
  return (await db.pool.query(`SELECT status FROM checks WHERE uuid = $1`, [uuid])).rows[0].status;
}

async function refused(p: Promise<unknown>): Promise<{ responseCode: number; message: string }> {
  const err = await p.then(
    () => assert.fail('the mail was accepted'),
    (e: unknown) => e as { responseCode: number; message: string },
  );
  return err;
}

const send = await listener({});
const filtered = await listener({
  PING_EMAIL_FILTER: 'subject,body',
  PING_EMAIL_FAILURE_KW: 'FAILED, Error',
  PING_EMAIL_SUCCESS_KW: 'completed',
  PING_EMAIL_START_KW: 'Started',
  PING_EMAIL_MAX_BYTES: '4096',
});

test('any mail to <uuid>@domain is a success ping, recorded with its subject and text', async () => {
  const uuid = await newCheck('nas-backup');
  const info = await send(`${uuid}@${DOMAIN}`, 'Backup report', 'all 3 volumes copied');
  assert.match(info.response, /^250/);
  const got = await pings(uuid);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.kind, 'success');
  assert.equal(got[0]!.method, 'EMAIL');
  assert.equal(got[0]!.user_agent, 'email from nas@home.test');
  assert.equal(got[0]!.body, 'Subject: Backup report\n\nall 3 volumes copied');
  assert.equal(await status(uuid), 'up');
  // The uuid in capitals and the domain in another case are the same address.
  await send(`${uuid.toUpperCase()}@${DOMAIN.toUpperCase()}`, 'again');
  assert.equal((await pings(uuid)).length, 2);
});

test('unknown addresses are 550 at RCPT TO; nothing is recorded', async () => {
  const unknown = await refused(send(`00000000-0000-4000-8000-000000000000@${DOMAIN}`, 'x'));
  assert.equal(unknown.responseCode, 550);
  assert.match(unknown.message, /no check has this uuid/);
  const uuid = await newCheck('other-domain');
  const wrongDomain = await refused(send(`${uuid}@elsewhere.test`, 'x'));
  assert.equal(wrongDomain.responseCode, 550);
  assert.match(wrongDomain.message, new RegExp(`write to <check uuid>@${DOMAIN}`));
  const notUuid = await refused(send(`backup@${DOMAIN}`, 'x'));
  assert.equal(notUuid.responseCode, 550);
  assert.deepEqual(await pings(uuid), []);
});

test('a message over PING_EMAIL_MAX_BYTES is 552 and records nothing', async () => {
  const uuid = await newCheck('big-mail');
  const big = await refused(filtered(`${uuid}@${DOMAIN}`, 'completed', 'x'.repeat(10_000)));
  assert.equal(big.responseCode, 552);
  assert.deepEqual(await pings(uuid), []);
});

test('keywords: failure first, then success, then start; none of them is logged only', async () => {
  const uuid = await newCheck('router-job');
  const to = `${uuid}@${DOMAIN}`;
  await filtered(to, 'Job Started');
  await filtered(to, 'Job completed');
  // Both words: failure wins (healthchecks' order).
  await filtered(to, 'Job completed with Error');
  // In the body, quoted-printable and in UTF-8 with an encoded-word subject.
  await filtered(to, 'Rapport über die Sicherung', 'Résultat: FAILED ✗', {
    textEncoding: 'quoted-printable',
  });
  await filtered(to, 'Nightly', 'the job completed', { textEncoding: 'base64' });
  // Case-sensitive: "failed" is not "FAILED"; nothing matches, so the state is unchanged.
  await filtered(to, 'job failed?', 'no keyword here');
  assert.deepEqual(
    (await pings(uuid)).map((p) => p.kind),
    ['start', 'success', 'fail', 'fail', 'success', 'log'],
  );
  assert.equal(
    (await pings(uuid))[3]!.body,
    'Subject: Rapport über die Sicherung\n\nRésultat: FAILED ✗',
  );
  assert.equal(await status(uuid), 'up');
  await filtered(to, 'Backup FAILED');
  assert.equal(await status(uuid), 'down');
});

test('HTML-only mail is read as text; several recipients ping each check', async () => {
  const a = await newCheck('html-a');
  const b = await newCheck('html-b');
  await filtered([`${a}@${DOMAIN}`, `${b}@${DOMAIN}`], 'Report', undefined, {
    text: undefined,
    html: '<p>Task <b>FAILED</b></p>',
  });
  assert.deepEqual(
    (await pings(a)).map((p) => p.kind),
    ['fail'],
  );
  assert.deepEqual(
    (await pings(b)).map((p) => p.kind),
    ['fail'],
  );
});

async function setRules(uuid: string, rules: Record<string, unknown>) {
  return request(app).post(`/api/v3/checks/${uuid}`).set('X-Api-Key', key).send(rules);
}

async function shown(uuid: string) {
  const res = await request(app).get(`/api/v3/checks/${uuid}`).set('X-Api-Key', key);
  assert.equal(res.status, 200);
  const { filter_subject, filter_body, success_kw, failure_kw, start_kw } = res.body;
  return { filter_subject, filter_body, success_kw, failure_kw, start_kw };
}

test("a check's own keyword settings, set by the API, override the global ones", async () => {
  const uuid = await newCheck('own-rules');
  const to = `${uuid}@${DOMAIN}`;
  const own = { filter_subject: true, failure_kw: 'ALARM', success_kw: 'ok,done', start_kw: '' };
  const set = await setRules(uuid, own);
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(await shown(uuid), { ...own, filter_body: false });
  // The unfiltered listener (every mail a success) and the filtered one (FAILED, completed,
  // Started in subject and body) both read this check's mail with its own rules only.
  await send(to, 'Backup ALARM');
  await send(to, 'Backup done');
  await filtered(to, 'Backup FAILED'); // a global keyword: nothing here
  await filtered(to, 'Report', 'ALARM'); // in the body, which this check does not search
  await filtered(to, 'Backup ok');
  assert.deepEqual(
    (await pings(uuid)).map((p) => p.kind),
    ['fail', 'success', 'log', 'log', 'success'],
  );
  // Changed between two mails: the next mail follows the new rules.
  assert.equal((await setRules(uuid, { filter_subject: false, filter_body: true })).status, 200);
  await send(to, 'Backup ok', 'disk ALARM');
  // Back to the defaults: the global settings again.
  const cleared = await setRules(uuid, { filter_body: false, failure_kw: '', success_kw: '' });
  assert.equal(cleared.status, 200);
  await send(to, 'Backup ALARM');
  await filtered(to, 'Backup FAILED');
  assert.deepEqual((await pings(uuid)).map((p) => p.kind).slice(5), ['fail', 'success', 'fail']);
});

test('bad keyword settings are a 400 naming the field, and change nothing', async () => {
  const uuid = await newCheck('bad-rules');
  assert.equal((await setRules(uuid, { filter_body: true, start_kw: 'go' })).status, 200);
  const before = await shown(uuid);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ filter_subject: 'yes' }, /^filter_subject must be true or false/],
    [{ filter_body: null }, /^filter_body must be true or false/],
    [{ success_kw: 7 }, /^success_kw must be comma-separated keywords/],
    [{ failure_kw: 'x'.repeat(201) }, /^failure_kw must be .* at most 200 characters/],
    [{ start_kw: 'a\nb' }, /^start_kw must be .* on one line/],
    // One good field and one bad one: the good one is not written either.
    [{ filter_subject: true, success_kw: ['ok'] }, /^success_kw must/],
  ];
  for (const [body, message] of cases) {
    const res = await setRules(uuid, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, message);
    assert.deepEqual(await shown(uuid), before);
  }
  const created = await request(app)
    .post('/api/v3/checks/')
    .set('X-Api-Key', key)
    .send({ name: 'bad-create', failure_kw: false });
  assert.equal(created.status, 400);
  assert.match(created.body.error, /^failure_kw must/);
  const { rows } = await db.pool.query(`SELECT 1 FROM checks WHERE name = 'bad-create'`);
  assert.equal(rows.length, 0);
});

test('a NUL in the mail is stored as U+FFFD, as a ping body with one is', async () => {
  const uuid = await newCheck('nas-nul');
  const info = await send(`${uuid}@${DOMAIN}`, 'Report', 'before\u0000after');
  assert.match(info.response, /^250/);
  const got = await pings(uuid);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.body, 'Subject: Report\n\nbefore\uFFFDafter');
});
