// GET /status/<slug>: a public, read-only status page. It selects no uuid, slug or key (see
// publicChecks), so no ping URL can appear on it. Cacheable for a minute: a page that goes
// round a company's chat must not turn into a query storm.
import type { RequestHandler } from 'express';
import { publicChecks, uptimeInputs } from '../../db/dashboard.js';
import { statusPageBySlug } from '../../db/status-pages.js';
import type { ApiStatus } from '../../domain/api-shapes.js';
import { percent, uptimeBuckets, uptimeRatio } from '../../domain/uptime.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { STATUS_PAGE_SLUG } from '../../domain/status-page.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { STATUS_LABEL } from './params.js';

import { uptimeStrip } from './uptime-svg.js';

/** More would make a page nobody reads and a query nobody wants on a public URL. */
export const MAX_PUBLIC_CHECKS = 500;
const DAY = 86_400_000;

function banner(statuses: ApiStatus[]): { cls: string; text: string } {
  if (statuses.includes('down')) return { cls: 'st-down', text: 'Some jobs are down' };
  if (statuses.includes('grace')) return { cls: 'st-grace', text: 'Some jobs are late' };
  return { cls: 'st-up', text: 'All jobs are running on time' };
}

export function publicStatus(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const slug = String(req.params.slug);
    const page = STATUS_PAGE_SLUG.test(slug) ? await statusPageBySlug(deps.pool, slug) : undefined;
    if (!page) throw new HttpError(404, 'no such status page');
    const now = deps.clock();
    const from = new Date(now.getTime() - 90 * DAY);
    const checks = await publicChecks(deps.pool, page.accountId, page.tag, now, MAX_PUBLIC_CHECKS);
    const inputs = await uptimeInputs(
      deps.pool,
      checks.map((c) => c.id),
      from,
      now,
    );
    const b = banner(checks.map((c) => c.shown));
    const title = page.title || `${page.account} status`;
    const body = html`<h1>${title}</h1>
      <p class="banner ${b.cls}">${b.text}</p>
      <ul class="public-checks">
        ${checks.map((c) => {
          const input = inputs.get(c.id);
          const days = uptimeBuckets(
            input?.statusAtStart ?? null,
            input?.flips ?? [],
            input?.monitoredSince ?? null,
            from,
            now,
            90,
          );
          const ratio = uptimeRatio(days);
          // "no data yet" stands alone: "no data yet over 90 days" reads as a claim.
          const pct = ratio === null ? percent(ratio) : `${percent(ratio)} over 90 days`;
          return html`<li class="st-${c.shown}">
            <div class="line">
              <span class="dot st-${c.shown}"></span><span class="name">${c.name}</span>
              <span class="badge st-${c.shown}">${STATUS_LABEL[c.shown]}</span>
              <span class="pct">${pct}</span>
            </div>
            ${uptimeStrip(days, `${c.name}: uptime, last 90 days by day`, true)}
          </li>`;
        })}
      </ul>
      <p class="muted">Updated ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC</p>`;
    res.set('Cache-Control', 'public, max-age=60').type('html');
    res.send(layout({ title }, body).text);
  };
}
