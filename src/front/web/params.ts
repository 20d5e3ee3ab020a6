// Query and form values of the pages: one string each, bounded, or a 400 that says which.
import type { ApiStatus } from '../../domain/api-shapes.js';
import { HttpError } from '../errors.js';

export const STATUSES: readonly ApiStatus[] = ['down', 'grace', 'up', 'new', 'paused'];

/** What each status is called on the pages: healthchecks' "grace" is "late" to a person. */
export const STATUS_LABEL: Record<ApiStatus, string> = {
  down: 'down',
  grace: 'late',
  up: 'up',
  new: 'new',
  paused: 'paused',
};

export function textParam(
  source: Record<string, unknown>,
  name: string,
  maxLength: number,
): string | undefined {
  const v = source[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `${name} is given more than once`);
  if (v.length > maxLength)
    throw new HttpError(400, `${name} is longer than ${maxLength} characters`);
  // PostgreSQL text cannot hold NUL: it would fail the query (a 500) instead of a clear 400.
  if (v.includes('\u0000')) throw new HttpError(400, `${name} contains a NUL character`);
  return v;
}

export function statusParam(source: Record<string, unknown>): ApiStatus | undefined {
  const v = textParam(source, 'status', 20);
  if (v === undefined) return undefined;
  const status = v === 'late' ? 'grace' : v;
  if (!(STATUSES as readonly string[]).includes(status))
    throw new HttpError(400, `status must be one of down, late, up, new, paused (got "${v}")`);
  return status as ApiStatus;
}

export function pageParam(source: Record<string, unknown>): number {
  const v = textParam(source, 'page', 10);
  if (v === undefined) return 1;
  if (!/^[1-9]\d{0,5}$/.test(v))
    throw new HttpError(400, `page must be a number from 1 (got "${v}")`);
  return Number(v);
}
