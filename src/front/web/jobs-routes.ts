// The jobs pages under /dashboard/jobs (issue 13), behind the dashboard's session. The job
// form posts more fields than the other forms (every kind's settings), hence its own parser.
import express, { Router } from 'express';
import { outboundClient } from '../../outbound/client.js';
import type { FrontDeps } from '../deps.js';
import { createJobForm, editJobPage, newJobPage, updateJobForm } from './job-form.js';
import { jobAction, jobPage, redriveAction } from './job-page.js';
import { jobsListPage } from './jobs-list.js';
import { requireCsrf, requireWrite } from './session.js';

export function jobsRouter(deps: FrontDeps): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 200 });
  const write = [form, requireCsrf, requireWrite];
  // Resolves only, to refuse a forbidden target when a job is saved (as the API does).
  const ctx = { outbound: outboundClient({ allowPrivate: deps.config.outboundAllowPrivate }) };
  r.get('/', jobsListPage(deps));
  r.post('/', write, createJobForm(deps, ctx));
  r.get('/new', requireWrite, newJobPage(deps));
  r.get('/:id', jobPage(deps));
  r.post('/:id', write, updateJobForm(deps, ctx));
  r.get('/:id/edit', requireWrite, editJobPage(deps));
  for (const action of ['run', 'pause', 'resume', 'delete'] as const)
    r.post(`/:id/${action}`, write, jobAction(deps, action));
  r.post('/:id/runs/:run/redrive', write, redriveAction(deps));
  return r;
}
