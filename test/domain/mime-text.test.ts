import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mailText } from '../../src/domain/mime-text.js';

const mail = (text: string) => mailText(Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'));

test('the text part of a multipart mail, in its charset and transfer encoding', async () => {
  const got = await mail(
    [
      'Subject: =?UTF-8?B?w6lsw6k=?= =?UTF-8?Q?_fini?=',
      'Content-Type: multipart/alternative; boundary=XX',
      '',
      '--XX',
      'Content-Type: text/html',
      '',
      '<p>the html part</p>',
      '--XX',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'd=E9j=E0 =',
      'vu',
      '--XX--',
      '',
    ].join('\n'),
  );
  assert.deepEqual(got, { subject: 'élé fini', body: 'déjà vu' });
});

test('an HTML-only mail reads as its text: no tags, no script or style', async () => {
  const got = await mail(
    [
      'Subject: backup',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<style>p { color: red }</style><p>Backup <b>completed</b> &amp; verified</p><script>alert(1)</script>',
    ].join('\n'),
  );
  assert.deepEqual(got, { subject: 'backup', body: 'Backup completed & verified' });
});

test('a mail that is not MIME at all is read, not refused (a refusal would be retried for days)', async () => {
  const plain = await mail('Subject: x\n\nno MIME headers');
  assert.deepEqual(plain, { subject: 'x', body: 'no MIME headers' });
  const junk = await mailText(Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10, 0x80]));
  assert.equal(junk.subject, '');
  assert.equal(typeof junk.body, 'string');
});
