// The pages: sign-in, the dashboard (a session), public status pages, and their static files.
// Mounted after the API and the badges, so none of this touches those routes.
import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';
import { apiRateLimit } from '../api/rate-limit.js';
import type { FrontDeps } from '../deps.js';
import { checkAction, checkPage } from './check-page.js';
import { ackCheck } from './check-page-policies.js';
import { describeJson, editCheckPage, newCheckPage, saveCheckForm } from './check-form.js';
import { manyFields } from './form.js';
import { dashboardJson, dashboardPage } from './dashboard.js';
import {
  addChannel,
  channelsPage,
  editChannelForm,
  newChannelPage,
  removeChannelForm,
  showChannel,
  testChannelForm,
} from './channels.js';
import { onlyPages, pageErrors, pageNotFound } from './error-pages.js';
import { createKey, keysPage, revokeKey } from './keys.js';
import { jobsRouter } from './jobs-routes.js';
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
  // Browsers ask for /favicon.ico whatever the page says.
  r.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/favicon.svg'));
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
  const manyWrite = [manyFields, requireCsrf, requireWrite];
  d.get('/describe.json', describeJson());
  d.get('/checks/new', requireWrite, newCheckPage(deps));
  d.post('/checks/new', manyWrite, saveCheckForm(deps, 'create'));
  d.get('/checks/:id/edit', requireWrite, editCheckPage(deps));
  d.post('/checks/:id/edit', manyWrite, saveCheckForm(deps, 'update'));
  d.get('/checks/:id', checkPage(deps));
  d.post('/checks/:id/pause', write, checkAction(deps, 'pause'));
  d.post('/checks/:id/resume', write, checkAction(deps, 'resume'));
  d.post('/checks/:id/delete', write, checkAction(deps, 'delete'));
  d.post('/checks/:id/ack', write, ackCheck(deps));
  // Channels hold credentials: as in the API, a read-write key sees them.
  d.get('/channels', requireWrite, channelsPage(deps));
  d.get('/channels/new', requireWrite, newChannelPage());
  d.post('/channels/new', write, addChannel(deps));
  d.get('/channels/:id', requireWrite, showChannel(deps));
  d.post('/channels/:id', write, editChannelForm(deps));
  d.post('/channels/:id/test', write, testChannelForm(deps));
  d.post('/channels/:id/delete', write, removeChannelForm(deps));
  d.get('/keys', requireWrite, keysPage(deps));
  d.post('/keys', write, createKey(deps));
  d.post('/keys/:prefix/revoke', write, revokeKey(deps));
  d.get('/status-pages', statusPagesPage(deps));
  d.post('/status-pages', write, addStatusPage(deps));
  d.post('/status-pages/:slug/delete', write, removeStatusPage(deps));
  d.use('/jobs', jobsRouter(deps));
  // The same 404 page as any other unknown address, inside the layout.
  d.use(pageNotFound);
  r.use('/dashboard', d);
  // Any other address a browser asks for: a 404 page (API clients get the JSON 404 after).
  r.use(onlyPages, pageHeaders, session, pageNotFound);
  r.use(['/login', '/logout', '/dashboard', '/status'], pageErrors);
  return r;
}
