// healthchecks' Management API v3, read part, under /api/v3 (README "API"). Which key a
// route needs follows healthchecks: read-only keys list and get checks and their flips;
// pings, ping bodies and channels need a read-write key.
import express, { Router } from 'express';
import type { FrontDeps } from '../deps.js';
import { apiKeyAuth } from './auth.js';
import { listChannels } from './channels.js';
import { getCheck, listChecks } from './checks.js';
import { listFlips } from './flips.js';
import { methodNotAllowed } from './params.js';
import { listPings, pingBody } from './pings.js';
import { apiStatus } from './status.js';

export function createApiRouter(deps: FrontDeps): Router {
  const router = Router();
  const auth = apiKeyAuth(deps);
  // For `api_key` in the JSON body of POST requests.
  router.use(express.json({ limit: deps.config.bodyLimitBytes }));
  const GET = 'GET, HEAD';
  router.route('/status/').get(apiStatus(deps)).all(methodNotAllowed(GET));
  router.route('/checks/').get(auth('read'), listChecks(deps)).all(methodNotAllowed(GET));
  router.route('/checks/:id').get(auth('read'), getCheck(deps)).all(methodNotAllowed(GET));
  router.route('/checks/:id/pings/').get(auth('write'), listPings(deps)).all(methodNotAllowed(GET));
  router
    .route('/checks/:id/pings/:n/body')
    .get(auth('write'), pingBody(deps))
    .all(methodNotAllowed(GET));
  router.route('/checks/:id/flips/').get(auth('read'), listFlips(deps)).all(methodNotAllowed(GET));
  router.route('/channels/').get(auth('write'), listChannels(deps)).all(methodNotAllowed(GET));
  return router;
}
