// The page-change job kind (issue 13) through the real trigger, on real PostgreSQL, against a
// page served on 127.0.0.1 and webhook channels on another receiver: the first run records a
// baseline, a change alerts each channel once with the diff, an unchanged page alerts nobody.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/front/app.js';
import { dispatchOnce } from '../../src/back/dispatch.js';
import { triggerOnce } from '../../src/back/trigger.js';
import { insertChannel } from '../../src/db/channels.js';
import { setCheckChannels } from '../../src/db/check-write.js';
import { pageText, shortDiff } from '../../src/actions/page-change.js';
import { newAccount, newKey } from '../helpers/api.js';
import { frontDeps } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { addJob, jobValues, makeDue, only, ticksOf, triggerDeps } from '../helpers/jobs.js';
import { startHttpReceiver } from '../helpers/receivers.js';

const db = await testDatabase();
const deps = triggerDeps(db.pool);
const page = await startHttpReceiver();
const hooks = await startHttpReceiver();
const account = await newAccount(db.pool, 'page-change');

function html(price: string, news: string[]): string {
  return `<html><head><style>.x{}</style></head><body><h1>Shop</h1>
    <div id="price">Price: <b>${price}</b></div>
    <ul class="news">${news.map((n) => `<li>${n}</li>`).join('')}</ul>
    <script>var t = ${Date.now()};</script></body></html>`;
}

let content = html('10 EUR', ['a', 'b']);
page.respond = () => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body: content });

async function notificationCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM notifications WHERE payload->>'kind' = 'change'",
  );
  return rows[0]!.n;
}

async function runOnce(jobId: number): Promise<string | undefined> {
  await makeDue(db.pool, jobId, 1000);
  const r = await triggerOnce(deps);
  assert.deepEqual(r.results, ['succeeded']);
  const ticks = await ticksOf(db.pool, jobId);
  const last = ticks.filter((t) => t.state === 'succeeded').at(-1)!;
  return (last.outcome as { body?: string }).body;
}

describe('page-change', { timeout: 30_000 }, () => {
  test('the text of the page, or of a selector, without scripts and styles', () => {
    assert.equal(pageText(html('10 EUR', ['a', 'b'])), 'Shop\nPrice: 10 EUR\na\nb');
    assert.equal(pageText(html('10 EUR', ['a']), '#price'), 'Price: 10 EUR');
    assert.equal(pageText(html('10 EUR', []), '.missing'), null);
    assert.deepEqual(shortDiff('a\nb\nc', 'a\nB\nc'), { text: '- b\n+ B', added: 1, removed: 1 });
  });

  test('a page that changes between two runs alerts each channel once with the diff', async () => {
    const channels: number[] = [];
    for (const name of ['hook-a', 'hook-b']) {
      await insertChannel(
        db.pool,
        account,
        { kind: 'webhook', name, config: { url: `${hooks.url}/${name}` } },
        new Date(),
      );
      const { rows } = await db.pool.query<{ id: number }>(
        'SELECT id FROM channels WHERE account_id = $1 AND name = $2',
        [account, name],
      );
      channels.push(rows[0]!.id);
    }
    const job = await addJob(db.pool, account, {
      ...jobValues(`${page.url}/shop`, { name: 'watch-shop' }),
      kind: 'page-change',
      settings: { url: `${page.url}/shop`, selector: '#price, .news li' },
    });
    await setCheckChannels(db.pool, job.checkId!, channels);
    await only(db.pool, job.id);

    assert.match((await runOnce(job.id))!, /^baseline recorded/);
    assert.equal(await notificationCount(), 0, 'the first run alerts nobody');

    // The script's timestamp changes on every fetch: not a change of the selected text.
    assert.equal(await runOnce(job.id), 'unchanged');
    assert.equal(await notificationCount(), 0);

    content = html('12 EUR', ['a', 'b', 'c']);
    const changed = await runOnce(job.id);
    assert.match(changed!, /^changed: \+2 -1 lines\n- Price: 10 EUR\n\+ Price: 12 EUR\n\+ c/);
    assert.equal(await notificationCount(), 2, 'one notification per channel');

    assert.equal(await runOnce(job.id), 'unchanged', 'the new content is the new baseline');
    assert.equal(await notificationCount(), 2, 'alerted once');

    hooks.requests.length = 0;
    await dispatchOnce(deps, new Date());
    assert.deepEqual(hooks.requests.map((r) => r.path).sort(), ['/hook-a', '/hook-b']);
    const sent = hooks.requests[0]!.json as { event: string; subject: string; text: string };
    assert.equal(sent.event, 'change');
    assert.match(
      sent.subject,
      /^job watch-shop \w+: page changed: http:\/\/127\.0\.0\.1:\d+\/shop/,
    );
    assert.match(
      sent.text,
      /2 lines added, 1 removed\.\n\n- Price: 10 EUR\n\+ Price: 12 EUR\n\+ c/,
    );
  });

  test('a selector that matches nothing fails the run (the page changed its layout)', async () => {
    const job = await addJob(db.pool, account, {
      ...jobValues(`${page.url}/shop`, { name: 'watch-gone' }),
      kind: 'page-change',
      settings: { url: `${page.url}/shop`, selector: '#gone' },
    });
    await only(db.pool, job.id);
    await makeDue(db.pool, job.id, 1000);
    assert.deepEqual((await triggerOnce(deps)).results, ['failed']);
    const [tick] = await ticksOf(db.pool, job.id);
    assert.equal(tick!.outcome?.error, 'the selector #gone matched nothing');
  });

  test('the API creates a page-change job, shows its settings, and names a bad selector', async () => {
    const app = createApp(frontDeps(db.pool, { env: { OUTBOUND_ALLOW_PRIVATE: '1' } }));
    const key = await newKey(db.pool, account, 'write');
    const post = (body: object) =>
      request(app).post('/api/v3/jobs/').set('X-Api-Key', key).send(body);
    const ok = await post({
      name: 'api-watch',
      kind: 'page-change',
      every: 600,
      url: `${page.url}/shop`,
      selector: '#price',
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.kind, 'page-change');
    assert.equal(ok.body.url, `${page.url}/shop`);
    assert.equal(ok.body.selector, '#price');
    for (const [body, message] of [
      [{ selector: 'div[' }, /^selector is not a valid CSS selector/],
      [{ url: 'file:///etc/passwd' }, /^url must be an http/],
      [{ url: 'http://169.254.169.254/' }, /^url is refused/],
      [{ method: 'POST' }, /^method is not a field of a page-change job$/],
    ] as const) {
      const bad = await post({
        name: 'bad-watch',
        kind: 'page-change',
        every: 600,
        url: `${page.url}/shop`,
        ...body,
      });
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.match(bad.body.error, message);
    }
  });
});
