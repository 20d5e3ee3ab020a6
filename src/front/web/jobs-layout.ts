// The jobs pages' answer: the site layout with the jobs stylesheet and the page's script,
// never cached (a job's runs change by the second).
import type { Response } from 'express';
import type { Html } from './html.js';
import { layout } from './layout.js';
import type { WebSession } from './session.js';

export function sendJobsPage(
  res: Response,
  s: WebSession,
  page: { title: string; status?: number; script: 'dashboard.js' | 'jobs.js' },
  body: Html,
): void {
  res
    .status(page.status ?? 200)
    .set('Cache-Control', 'no-store')
    .type('html');
  res.send(
    layout(
      {
        title: page.title,
        account: s.account,
        csrf: s.csrf,
        scripts: [page.script],
        styles: ['jobs.css'],
      },
      body,
    ).text,
  );
}
