// Errors and unknown addresses as pages in the site's layout, with its navigation when
// signed in (the API's errors stay JSON). A 5xx says nothing of its cause to the browser
// and logs it in full, as the API's error handler does.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S } from '../../db/errors.js';
import { clientMessage } from '../errors.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { WebSession } from './session.js';

function sendError(res: Response, status: number, message: string): void {
  const s = res.locals.session as WebSession | undefined;
  res.status(status).set('Cache-Control', 'no-store').type('html');
  res.send(
    layout(
      {
        title: status === 404 ? 'Not found' : `Error ${status}`,
        account: s?.account,
        csrf: s?.csrf,
      },
      html`<section class="error-page">
        <h1>${status === 404 ? 'Not found' : `Error ${status}`}</h1>
        <p class="error" role="alert">${message}</p>
        <p>
          ${s ? html`<a href="/dashboard">Back to the dashboard</a>` : html`<a href="/">cronwatch</a> · <a href="/login">Sign in</a>`}
        </p>
      </section>`,
    ).text,
  );
}

/** Errors of the pages as a page: the message of a 4xx, escaped; a generic one for a 5xx. */
export const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
  const status = typeof err?.status === 'number' ? err.status : 500;
  if (res.headersSent) return next(err);
  if (status < 500) return sendError(res, status, clientMessage(err, status));
  if (isDatabaseUnavailable(err)) {
    res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    return sendError(res, 503, 'The database is unavailable for a moment: try again shortly.');
  }
  req.log?.error({ err }, 'request failed');
  sendError(res, 500, 'Something went wrong on our side; it has been logged.');
};

/** Paths the pages do not own: their own 404s (JSON, SVG, text) are theirs to give. */
const NOT_PAGES = /^\/(api|badge|metrics|ping|static)(\/|$)/;

/** Whether a request is a browser's looking for a page (not a client of the API). */
function wantsPage(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !NOT_PAGES.test(req.path) &&
    req.accepts(['json', 'html']) === 'html'
  );
}

/** Lets a browser's page request on; any other leaves the pages' router (a JSON 404 after). */
export const onlyPages: RequestHandler = (req, _res, next) =>
  next(wantsPage(req) ? undefined : 'router');

/** An unknown address asked for by a browser (mounted under /dashboard too: the full path). */
export const pageNotFound: RequestHandler = (req, res) => {
  sendError(res, 404, `There is no page at ${req.baseUrl}${req.path}.`);
};
