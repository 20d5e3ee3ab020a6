// Signing in to the dashboard with an API key. The session cookie is HttpOnly (no script can
// read it) and SameSite=Lax (other sites' forms do not carry it); every form of a session
// also carries its CSRF token, checked on every POST, for browsers without SameSite.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie, type SerializeOptions } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { findApiKey, touchApiKey } from '../../db/api-keys.js';
import { deleteSession, findSession, insertSession, type SessionRow } from '../../db/sessions.js';
// A session token is, like an API key, random bits from the CSPRNG: the same plain SHA-256
// serves (see hashKey for why no slow hash).
import { hashKey, keyMatches, keyPrefix, looksLikeKey } from '../../domain/api-key.js';
import type { ApiRateLimit } from '../api/rate-limit.js';
import type { FrontDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { html } from './html.js';
import { layout } from './layout.js';

const SESSION = 'cw_session';
/** The sign-in form's own CSRF token (double submit): stops a forged sign-in to another account. */
const LOGIN = 'cw_login';

export type WebSession = SessionRow;

export function sessionOf(res: Response): WebSession {
  return res.locals.session as WebSession;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookies(req: Request): Record<string, string | undefined> {
  return parseCookie(req.headers.cookie ?? '');
}

function cookieOptions(deps: FrontDeps, req: Request, maxAge: number): SerializeOptions {
  // Secure when the browser reached us over TLS (directly, or through a trusted proxy), or
  // when PUBLIC_URL says the public address is https.
  const secure = req.secure || (deps.config.publicUrl?.startsWith('https:') ?? false);
  return { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge };
}

/** Only a path of this site: `next=//evil.example` or `next=https://…` would redirect away. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(?:[/?#]|$)/.test(next) ? next : '/dashboard';
}

/** Loads the session of the request, if any, into res.locals.session. */
export function loadSession(deps: FrontDeps): RequestHandler {
  return async (req, res, next) => {
    const t = cookies(req)[SESSION];
    if (t && t.length <= 100) {
      const s = await findSession(deps.pool, hashKey(t), deps.clock());
      if (s) res.locals.session = s;
    }
    next();
  };
}

/** Pages need a session: a browser is sent to the sign-in form, and comes back after. */
export const requireSession: RequestHandler = (req, res, next) => {
  if (res.locals.session) return next();
  if (req.method === 'GET' || req.method === 'HEAD')
    return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  throw new HttpError(401, 'not signed in (or the session expired): sign in again');
};

/** POSTs of a session carry its CSRF token in the `_csrf` field. */
export const requireCsrf: RequestHandler = (req, res, next) => {
  const body = req.body as Record<string, unknown> | undefined;
  if (!sameSecret(body?._csrf, sessionOf(res).csrf))
    throw new HttpError(403, 'missing or wrong CSRF token: reload the page and try again');
  next();
};

export const requireWrite: RequestHandler = (_req, res, next) => {
  if (sessionOf(res).scope !== 'write')
    throw new HttpError(403, 'signed in with a read-only key: this needs a read-write key');
  next();
};

function loginPage(csrf: string, next: string, error?: string) {
  return layout(
    { title: 'Sign in' },
    html`<section class="login">
      <h1>Sign in</h1>
      <p>
        Use an API key of your account (<code>cronwatch account create NAME</code> prints two; <code>cronwatch key create ACCOUNT</code> makes more). A
        read-only key shows the checks; a read-write key can also pause, resume and delete them.
      </p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/login">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="next" value="${next}" />
        <label for="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="current-password"
          required
          minlength="32"
          maxlength="32"
          autofocus
        />
        <button type="submit">Sign in</button>
      </form>
    </section>`,
  );
}

function sendLoginPage(
  deps: FrontDeps,
  req: Request,
  res: Response,
  status: number,
  error?: string,
) {
  const csrf = token();
  res.setHeader('Set-Cookie', stringifySetCookie(LOGIN, csrf, cookieOptions(deps, req, 3600)));
  const body = req.body as Record<string, unknown> | undefined;
  const next = safeNext(req.method === 'POST' ? body?.next : req.query.next);
  res.status(status).set('Cache-Control', 'no-store').type('html');
  res.send(loginPage(csrf, next, error).text);
}

export function showLogin(deps: FrontDeps): RequestHandler {
  return (req, res) => {
    if (res.locals.session) return res.redirect(303, safeNext(req.query.next));
    sendLoginPage(deps, req, res, 200);
  };
}

export function login(deps: FrontDeps, rateLimit: ApiRateLimit): RequestHandler {
  return async (req, res) => {
    // Counted per address like the API's keyless requests: guessing keys is slow either way.
    await rateLimit(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!sameSecret(body._csrf, cookies(req)[LOGIN] ?? ''))
      return sendLoginPage(deps, req, res, 403, 'The form expired: sign in again.');
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    if (key === '') return sendLoginPage(deps, req, res, 400, 'Enter an API key.');
    if (!looksLikeKey(key))
      return sendLoginPage(
        deps,
        req,
        res,
        401,
        'That is not an API key (32 letters, digits, - or _).',
      );
    const stored = await findApiKey(deps.pool, keyPrefix(key));
    if (!stored || !keyMatches(key, stored.hash))
      return sendLoginPage(deps, req, res, 401, 'Wrong API key.');
    if (stored.revokedAt) return sendLoginPage(deps, req, res, 401, 'This API key was revoked.');
    const t = token();
    const now = deps.clock();
    // A sign-in is a use of the key: the keys page's "last used" shows it.
    await touchApiKey(deps.pool, stored.id, now);
    const ttl = deps.config.sessionHours * 3600;
    await insertSession(deps.pool, {
      tokenHash: hashKey(t),
      apiKeyId: stored.id,
      csrf: token(),
      now,
      expiresAt: new Date(now.getTime() + ttl * 1000),
    });
    res.setHeader('Set-Cookie', [
      stringifySetCookie(SESSION, t, cookieOptions(deps, req, ttl)),
      stringifySetCookie(LOGIN, '', cookieOptions(deps, req, 0)),
    ]);
    res.redirect(303, safeNext(body.next));
  };
}

export function logout(deps: FrontDeps): RequestHandler {
  return async (req, res) => {
    const t = cookies(req)[SESSION];
    if (t) await deleteSession(deps.pool, hashKey(t));
    res.setHeader('Set-Cookie', stringifySetCookie(SESSION, '', cookieOptions(deps, req, 0)));
    res.redirect(303, '/login');
  };
}
