// The pure parts of alert texts: the output excerpt's cut, and texts without a grace
// (payloads written before alerts carried one).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertText, OUTPUT_BYTES, outputExcerpt } from '../../src/domain/alert.js';

test('the output excerpt keeps whole characters and says when it cut', () => {
  assert.deepEqual(outputExcerpt(null), {});
  assert.deepEqual(outputExcerpt(''), {});
  assert.deepEqual(outputExcerpt('short'), { output: 'short' });
  // One ASCII byte, then two-byte characters: byte 2048 falls inside one.
  const body = 'x' + 'é'.repeat(1500);
  const { output, outputCut } = outputExcerpt(body);
  assert.equal(outputCut, true);
  assert.equal(Buffer.byteLength(output!), OUTPUT_BYTES - 1);
  assert.ok(!output!.includes('\uFFFD'));
  assert.ok(body.startsWith(output!));
});

test('a payload without a grace shows the deadline, labelled as such', () => {
  const text = alertText({
    kind: 'up',
    check: { id: 1, uuid: '00000000-0000-4000-8000-000000000001', name: 'job', account: 'acme' },
    flipId: 1,
    at: '2026-04-01T10:00:00.000Z',
    lastPingAt: '2026-04-01T10:00:00.000Z',
    expectedAt: '2026-04-01T11:05:00.000Z',
  });
  assert.equal(
    text.body,
    [
      'The cronjob job for account acme is back online',
      '',
      'Checked in at: 2026-04-01T10:00:00.000Z',
      'Deadline:      2026-04-01T11:05:00.000Z',
    ].join('\n'),
  );
});

test("the link opens the check's page, and a dead one-off job's alert opens the job's page", () => {
  const event = {
    kind: 'down' as const,
    check: { id: 0, uuid: '00000000-0000-4000-8000-000000000002', name: 'job x', account: 'acme' },
    flipId: 0,
    at: '2026-04-01T10:00:00.000Z',
    lastPingAt: null,
    expectedAt: null,
    failure: 'one-off run is dead after 5 attempts: status 503',
  };
  const base = 'https://cw.example';
  assert.equal(
    alertText(event, base).url,
    `${base}/dashboard/checks/00000000-0000-4000-8000-000000000002`,
  );
  const job = alertText({ ...event, page: 'job' }, base);
  assert.equal(job.url, `${base}/dashboard/jobs/00000000-0000-4000-8000-000000000002`);
  assert.ok(job.body.endsWith(job.url!));
});
