// The trigger loop wakes at the earliest due tick and on NOTIFY when a job is created: with
// a 60 s sleep bound, only those wake-ups can run the jobs within the waits below.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTrigger } from '../../src/back/trigger-loop.js';
import { JOBS_CHANNEL } from '../../src/db/jobs.js';
import { listen } from '../../src/db/listen.js';
import { newAccount } from '../helpers/api.js';
import { testDatabase } from '../helpers/db.js';
import { addJob, jobValues, triggerDeps } from '../helpers/jobs.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();

async function until(done: () => boolean, ms: number): Promise<void> {
  for (let waited = 0; waited < ms && !done(); waited += 20)
    await new Promise((r) => setTimeout(r, 20));
}

test('a job created while the loop sleeps runs at its time (NOTIFY, then the earliest-due wake-up)', async () => {
  const receiver = await startHttpReceiver();
  const deps = triggerDeps(db.pool, { BACK_MAX_SLEEP_SECONDS: '60' });
  const account = await newAccount(db.pool, 'loop');
  const trigger = startTrigger(deps);
  const listener = listen(
    db.url,
    JOBS_CHANNEL,
    () => trigger.wake(),
    () => undefined,
  );
  try {
    // Let the loop look once and go to sleep for the full bound (nothing is due).
    await new Promise((r) => setTimeout(r, 1000));
    const at = new Date(Date.now() + 1500);
    await addJob(
      db.pool,
      account,
      jobValues(`${receiver.url}/soon`, { name: 'soon', schedule: { kind: 'once', at } }),
    );
    await until(() => receiver.requests.length > 0, 5000);
    assert.equal(receiver.requests.length, 1);
    const late = receiver.requests[0]!.at - at.getTime();
    assert.ok(late >= 0, `ran ${-late} ms early`);
    assert.ok(late < 1000, `ran ${late} ms late`);
  } finally {
    await listener.close();
    await trigger.stop();
  }
});
