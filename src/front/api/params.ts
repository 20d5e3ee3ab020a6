// Reading the request of a Management API call: query parameters (a bad one is a 400 that
// names it), path ids, and the shared answers (404, 405).
import { publicBase } from '../../config.js';
import type { Request, RequestHandler } from 'express';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';

// Path ids of the API and the pages: the domain's pattern, re-exported for the routes here.
export { UUID } from '../../domain/patterns.js';
export const UNIQUE_KEY = /^[0-9a-f]{40}$/;

export function baseUrl(deps: FrontDeps): string {
  return publicBase(deps.config);
}

export function notFound(): HttpError {
  return new HttpError(404, 'not found');
}

/** A parameter given at most once. */
export function oneParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `${name} must be given once`);
  return text(name, value);
}

/** A repeatable parameter (?tag=a&tag=b). */
export function manyParam(req: Request, name: string): string[] {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => text(name, String(v)));
}

/** PostgreSQL text cannot hold NUL: refused here rather than failing in the database. */
function text(name: string, value: string): string {
  if (value.includes('\u0000')) throw new HttpError(400, `${name} must not contain NUL characters`);
  return value;
}

/** A whole number in [min, max], or undefined when absent. */
export function intParam(req: Request, name: string, min: number, max: number): number | undefined {
  const raw = oneParam(req, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

/** The check list's opaque cursor: the last check id of the previous page. */
export function encodeCursor(id: number): string {
  return Buffer.from(`c${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('latin1');
  if (!/^c\d{1,15}$/.test(text) || encodeCursor(Number(text.slice(1))) !== cursor)
    throw new HttpError(400, 'cursor is not valid: pass the next_cursor of the previous page');
  return Number(text.slice(1));
}

/** 405 with the methods the route has (healthchecks' answer to a wrong method). */
export function methodNotAllowed(allowed: string): RequestHandler {
  return (req, res) => {
    res.set('Allow', allowed);
    res.status(405).json({ error: `method ${req.method} not allowed here (allowed: ${allowed})` });
  };
}
