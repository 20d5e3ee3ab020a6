// A check's email keyword rules (migrations/0019): written by the checks API, shown in its
// JSON, read by the SMTP listener when a mail arrives.
import type { EmailKwInput } from '../domain/email-kw-input.js';
import type { EmailPingRules } from '../domain/email-ping.js';
import type { Queryable } from './pool.js';

/** The fields as the check's JSON shows them, built with the check's row. */
export const EMAIL_KW_JSON = `json_build_object(
    'filter_subject', c.filter_subject, 'filter_body', c.filter_body,
    'success_kw', c.success_kw, 'failure_kw', c.failure_kw, 'start_kw', c.start_kw
  ) AS "emailKw"`;

const COLUMNS: [keyof EmailKwInput, string][] = [
  ['filterSubject', 'filter_subject'],
  ['filterBody', 'filter_body'],
  ['successKw', 'success_kw'],
  ['failureKw', 'failure_kw'],
  ['startKw', 'start_kw'],
];

/** Stores the given fields; absent ones stay. */
export async function writeEmailKw(db: Queryable, id: number, k: EmailKwInput): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [key, column] of COLUMNS) {
    if (k[key] === undefined) continue;
    values.push(k[key]);
    sets.push(`${column} = $${values.length}`);
  }
  if (sets.length) await db.query(`UPDATE checks SET ${sets.join(', ')} WHERE id = $1`, values);
}

/** The check's own rules (all defaults when it set none); undefined: no such check. */
export async function checkEmailRules(
  db: Queryable,
  uuid: string,
): Promise<EmailPingRules | undefined> {
  const { rows } = await db.query<{
    subject: boolean;
    body: boolean;
    successKw: string;
    failureKw: string;
    startKw: string;
  }>(
    `SELECT filter_subject AS subject, filter_body AS body, success_kw AS "successKw",
            failure_kw AS "failureKw", start_kw AS "startKw"
       FROM checks WHERE uuid = $1`,
    [uuid],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    filter: { subject: r.subject, body: r.body },
    successKw: r.successKw,
    failureKw: r.failureKw,
    startKw: r.startKw,
  };
}
