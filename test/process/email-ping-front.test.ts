// `cronwatch front` with PING_SMTP_PORT: the SMTP listener of email check-ins starts with the
// front, records a mail through the database, stops with it, and a busy port stops the start.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { testDatabase } from '../helpers/db.js';
import { freePort, spawnCli } from '../helpers/process.js';

const db = await testDatabase();
const { rows } = await db.pool.query<{ uuid: string }>(
  `WITH a AS (INSERT INTO accounts (name) VALUES ('mailfront') RETURNING id)
   INSERT INTO checks (account_id, name, period, grace, status) SELECT a.id, 'nas', 3600, 300, 'new' FROM a
   RETURNING uuid`,
);
const uuid = rows[0]!.uuid;

async function front(smtpPort: number) {
  return spawnCli(['front'], {
    DATABASE_URL: db.url,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    PING_SMTP_PORT: String(smtpPort),
    PING_EMAIL_DOMAIN: 'ping.test',
  });
}

test('the front listens for email check-ins on PING_SMTP_PORT and records them', async () => {
  const port = await freePort();
  const cli = await front(port);
  try {
    await cli.waitForOutput(/email check-ins: SMTP listening/, 60_000);
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
    await mailer.sendMail({
      from: 'nas@home.test',
      to: `${uuid}@ping.test`,
      subject: 'done',
      text: 'ok',
    });
    mailer.close();
    const { rows: pings } = await db.pool.query(
      `SELECT p.method FROM pings p JOIN checks c ON c.id = p.check_id WHERE c.uuid = $1`,
      [uuid],
    );
    assert.deepEqual(pings, [{ method: 'EMAIL' }]);
  } finally {
    await cli.stop();
  }
});

test('a busy PING_SMTP_PORT stops the front with the reason', async () => {
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  try {
    const cli = await front((busy.address() as net.AddressInfo).port);
    const exit = await cli.exited;
    assert.notEqual(exit.code, 0);
    assert.match(cli.stderr() + cli.stdout(), /EADDRINUSE/);
  } finally {
    busy.close();
  }
});
