// The `http` action: one request per attempt through the outbound client, success by
// expected status (default any 2xx) and an optional body regex.
import { createHmac } from 'node:crypto';
import { parseRetryAfter, type Outcome } from '../domain/job-retry.js';
import { OutboundTimeout } from '../outbound/client.js';
import { OutboundRefused } from '../outbound/policy.js';
import type { Action, ActionContext, Tick } from './action.js';
import { HTTP_FIELDS } from './http-fields.js';
import { validateHttp, type HttpSettings } from './http-settings.js';

/** The body excerpt kept in a tick's outcome. */
export const OUTCOME_BODY_BYTES = 10_240;
/** The body a regex is matched against. */
const REGEX_BODY_BYTES = 1_048_576;
const MAX_REDIRECTS = 5;

function requestHeaders(tick: Tick & { settings: HttpSettings }): Record<string, string> {
  const s = tick.settings;
  const headers: Record<string, string> = {
    'User-Agent': 'cronwatch',
    ...s.headers,
    'Cronwatch-Run-Id': tick.runId,
    'Cronwatch-Attempt': String(tick.attempt),
    'Cronwatch-Scheduled-For': tick.scheduledFor.toISOString(),
  };
  if (tick.secret)
    headers['Cronwatch-Signature'] =
      'sha256=' +
      createHmac('sha256', tick.secret)
        .update(s.body ?? '')
        .digest('hex');
  return headers;
}

function judge(s: HttpSettings, status: number, body: string): string | undefined {
  const expected = s.expectedStatuses.length
    ? s.expectedStatuses.includes(status)
    : status >= 200 && status <= 299;
  if (!expected) return `status ${status} is not ${s.expectedStatuses.join(', ') || 'a 2xx'}`;
  if (s.bodyRegex !== undefined && !new RegExp(s.bodyRegex).test(body))
    return `the body does not match /${s.bodyRegex}/`;
  return undefined;
}

async function run(tick: Tick & { settings: HttpSettings }, ctx: ActionContext): Promise<Outcome> {
  const s = tick.settings;
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  try {
    const answer = await ctx.outbound.request({
      method: s.method,
      url: s.url,
      headers: requestHeaders(tick),
      body: s.body,
      timeoutMs: tick.timeoutMs,
      maxRedirects: MAX_REDIRECTS,
      keepBytes: s.bodyRegex === undefined ? OUTCOME_BODY_BYTES : REGEX_BODY_BYTES,
    });
    const wrong = judge(s, answer.status, answer.body);
    const outcome: Outcome = {
      ok: wrong === undefined,
      status: answer.status,
      durationMs: duration(),
      body: answer.body.slice(0, OUTCOME_BODY_BYTES),
    };
    if (wrong) outcome.error = wrong;
    const retryAfter = parseRetryAfter(answer.headers['retry-after'], new Date());
    if (retryAfter !== undefined) outcome.retryAfterMs = retryAfter;
    return outcome;
  } catch (err) {
    const outcome: Outcome = { ok: false, durationMs: duration(), error: (err as Error).message };
    if (err instanceof OutboundTimeout) outcome.timeout = true;
    if (err instanceof OutboundRefused) outcome.refused = true;
    return outcome;
  }
}

export const httpAction: Action<HttpSettings> = {
  validate: validateHttp,
  refusal: (s, ctx) => ctx.outbound.refusal(s.url),
  show: (s) => ({
    method: s.method,
    url: s.url,
    headers: s.headers,
    ...(s.body !== undefined ? { body: s.body } : {}),
    expected_statuses: s.expectedStatuses,
    body_regex: s.bodyRegex ?? null,
  }),
  fields: HTTP_FIELDS,
  run,
};
