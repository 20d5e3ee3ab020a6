// The pages: sign-in, the dashboard (a session), public status pages, and their static files.
// Mounted after the API and the badges, so none of this touches those routes.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { fileURLToPath } from 'node:url';
import { apiRateLimit } from '../api/rate-limit.js';
import type { FrontDeps } from '../deps.js';
import { clientMessage, HttpError } from '../errors.js';
import { checkAction, checkPage } from './check-page.js';
import { dashboardJson, dashboardPage } from './dashboard.js';
import { html } from './html.js';
import { jobsRouter } from './jobs-routes.js';
import { layout } from './layout.js';
import { publicStatus } from './public-status.js';
import { pageHeaders } from './security.js';
import {
  loadSession,
  login,
  logout,
  requireCsrf,
  requireSession,
  requireWrite,
  showLogin,
} from './session.js';
import { addStatusPage, removeStatusPage, statusPagesPage } from './status-pages.js';

// ../../../public from src/front/web (tsx) and from dist/front/web (compiled) alike.
const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

/** Errors of the pages as a page (the API's are JSON): the message of a 4xx, escaped. */
const pageErrors: ErrorRequestHandler = (err, _req, res, next) => {
  const status = typeof err?.status === 'number' ? err.status : 500;
  if (status >= 500 || res.headersSent) return next(err);
  const message = clientMessage(err, status);
  res.status(status).set('Cache-Control', 'no-store').type('html');
  res.send(
    layout(
      { title: `Error ${status}` },
      html`<h1>Error ${status}</h1>
        <p class="error" role="alert">${message}</p>
        <p><a href="/dashboard">Back to the dashboard</a></p>`,
    ).text,
  );
};

const noSuchPage: RequestHandler = () => {
  throw new HttpError(404, 'no such page');
};

export function webRouter(deps: FrontDeps): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const session = loadSession(deps);
  const write = [form, requireCsrf, requireWrite];
  // helmet here too for nosniff: a script or stylesheet is never sniffed into something else.
  r.use(
    '/static',
    pageHeaders,
    express.static(PUBLIC_DIR, { index: false, maxAge: '1h', fallthrough: false }),
  );
  r.get('/login', pageHeaders, session, showLogin(deps));
  r.post('/login', pageHeaders, form, login(deps, apiRateLimit(deps)));
  r.post(
    '/logout',
    pageHeaders,
    form,
    session,
    (req, res, next) =>
      // Without a session there is nothing to forge: just clear the cookie.
      res.locals.session ? requireCsrf(req, res, next) : next(),
    logout(deps),
  );
  r.get('/status/:slug', pageHeaders, publicStatus(deps));

  const d = Router();
  d.use(pageHeaders, session, requireSession);
  d.get('/', dashboardPage(deps));
  d.get('/status.json', dashboardJson(deps));
  d.get('/checks/:id', checkPage(deps));
  d.post('/checks/:id/pause', write, checkAction(deps, 'pause'));
  d.post('/checks/:id/resume', write, checkAction(deps, 'resume'));
  d.post('/checks/:id/delete', write, checkAction(deps, 'delete'));
  d.get('/status-pages', statusPagesPage(deps));
  d.post('/status-pages', write, addStatusPage(deps));
  d.post('/status-pages/:slug/delete', write, removeStatusPage(deps));
  d.use('/jobs', jobsRouter(deps));
  d.use(noSuchPage);
  r.use('/dashboard', d);
  r.use(['/login', '/logout', '/dashboard', '/status'], pageErrors);
  return r;
}
