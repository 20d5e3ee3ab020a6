// healthchecks' Management API v3 under /api/v3 (README "API"). Which key a route needs
// follows healthchecks: read-only keys list and get checks and their flips; pings, ping
// bodies, channels and every write need a read-write key.
import { Router } from 'express';
import type { FrontDeps } from '../deps.js';
import { apiKeyAuth } from './auth.js';
import { listBadges } from './badges.js';
import { jsonBody } from './body.js';
import {
  createChannel,
  editChannel,
  getChannel,
  listChannels,
  removeChannel,
  testChannel,
} from './channels.js';
import { getCheck, listChecks } from './checks.js';
import { createCheck, removeCheck, updateCheck } from './checks-write.js';
import { listFlips } from './flips.js';
import {
  deleteJobRoute,
  getJobRoute,
  listJobsRoute,
  listRunsRoute,
  pauseJobRoute,
  redriveRoute,
  resumeJobRoute,
  runJobRoute,
} from './jobs.js';
import { createJobRoute, updateJobRoute } from './jobs-write.js';
import { outboundClient } from '../../outbound/client.js';
import { serveOpenApi } from './openapi.js';
import { ackRoute, createWindowRoute, deleteWindowRoute, listWindowsRoute } from './maintenance.js';
import { methodNotAllowed } from './params.js';
import { pause, resume } from './pause.js';
import { listPings, pingBody } from './pings.js';
import { apiRateLimit, rateLimitByAddress } from './rate-limit.js';
import { apiStatus } from './status.js';

export function createApiRouter(deps: FrontDeps): Router {
  const router = Router();
  // API_RATE_LIMIT: counted by apiKeyAuth per key, by address on the routes without one.
  const limit = apiRateLimit(deps);
  const byAddress = rateLimitByAddress(limit);
  const auth = apiKeyAuth(deps, limit);
  // Write bodies, and `api_key` in the JSON body of POST requests.
  router.use(jsonBody(deps.config.bodyLimitBytes));
  const GET = 'GET, HEAD';
  router.route('/status/').get(byAddress, apiStatus(deps)).all(methodNotAllowed(GET));
  router.route('/openapi.json').get(byAddress, serveOpenApi()).all(methodNotAllowed(GET));
  router
    .route('/checks/')
    .get(auth('read'), listChecks(deps))
    .post(auth('write'), createCheck(deps))
    .all(methodNotAllowed('GET, HEAD, POST'));
  router
    .route('/checks/:id')
    .get(auth('read'), getCheck(deps))
    .post(auth('write'), updateCheck(deps))
    .delete(auth('write'), removeCheck(deps))
    .all(methodNotAllowed('GET, HEAD, POST, DELETE'));
  router.route('/checks/:id/pause').post(auth('write'), pause(deps)).all(methodNotAllowed('POST'));
  router
    .route('/checks/:id/resume')
    .post(auth('write'), resume(deps))
    .all(methodNotAllowed('POST'));
  // Alert policies (issue 16): acknowledge a down check, maintenance windows.
  router.route('/checks/:id/ack').post(auth('write'), ackRoute(deps)).all(methodNotAllowed('POST'));
  router
    .route('/maintenance_windows/')
    .get(auth('write'), listWindowsRoute(deps))
    .post(auth('write'), createWindowRoute(deps))
    .all(methodNotAllowed('GET, HEAD, POST'));
  router
    .route('/maintenance_windows/:id')
    .delete(auth('write'), deleteWindowRoute(deps))
    .all(methodNotAllowed('DELETE'));
  router.route('/checks/:id/pings/').get(auth('write'), listPings(deps)).all(methodNotAllowed(GET));
  router
    .route('/checks/:id/pings/:n/body')
    .get(auth('write'), pingBody(deps))
    .all(methodNotAllowed(GET));
  router.route('/checks/:id/flips/').get(auth('read'), listFlips(deps)).all(methodNotAllowed(GET));
  router
    .route('/channels/')
    .get(auth('write'), listChannels(deps))
    .post(auth('write'), createChannel(deps))
    .all(methodNotAllowed('GET, HEAD, POST'));
  router
    .route('/channels/:id')
    .get(auth('write'), getChannel(deps))
    .post(auth('write'), editChannel(deps))
    .delete(auth('write'), removeChannel(deps))
    .all(methodNotAllowed('GET, HEAD, POST, DELETE'));
  router
    .route('/channels/:id/test')
    .post(auth('write'), testChannel(deps))
    .all(methodNotAllowed('POST'));
  router.route('/badges/').get(auth('read'), listBadges(deps)).all(methodNotAllowed(GET));
  // Scheduled jobs (issue 12): the same keys and account rules as checks. The outbound
  // client only resolves here, to refuse a forbidden target when a job is saved.
  const actions = { outbound: outboundClient({ allowPrivate: deps.config.outboundAllowPrivate }) };
  router
    .route('/jobs/')
    .get(auth('read'), listJobsRoute(deps))
    .post(auth('write'), createJobRoute(deps, actions))
    .all(methodNotAllowed('GET, HEAD, POST'));
  router
    .route('/jobs/:id')
    .get(auth('read'), getJobRoute(deps))
    .post(auth('write'), updateJobRoute(deps, actions))
    .patch(auth('write'), updateJobRoute(deps, actions))
    .delete(auth('write'), deleteJobRoute(deps))
    .all(methodNotAllowed('GET, HEAD, POST, PATCH, DELETE'));
  for (const [path, handler] of [
    ['pause', pauseJobRoute],
    ['resume', resumeJobRoute],
    ['run', runJobRoute],
  ] as const)
    router
      .route(`/jobs/:id/${path}`)
      .post(auth('write'), handler(deps))
      .all(methodNotAllowed('POST'));
  router.route('/jobs/:id/runs/').get(auth('read'), listRunsRoute(deps)).all(methodNotAllowed(GET));
  router
    .route('/jobs/:id/runs/:run/redrive')
    .post(auth('write'), redriveRoute(deps))
    .all(methodNotAllowed('POST'));
  return router;
}
