// Checks shared by every input path. Values come from crontab lines and the network:
// treat them as hostile, reject what is wrong, never truncate silently.

// C0, DEL, C1 controls and the Unicode line/paragraph separators: they break log lines,
// email headers and terminal output.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Returns an error message, or undefined when `value` is a valid name of 1..max characters. */
export function nameError(field: string, value: string, max = 200): string | undefined {
  // Code points, not UTF-16 units, so an emoji counts once (as PostgreSQL's length() does).
  const length = codePoints(value);
  if (length < 1 || length > max)
    return `${field} must be 1-${max} characters long (got ${length})`;
  if (CONTROL.test(value)) return `${field} must not contain control characters`;
  // A lone surrogate cannot be stored as UTF-8: it would silently become U+FFFD.
  if (!value.isWellFormed()) return `${field} is not valid Unicode text`;
  return undefined;
}

/**
 * The number of code points, counted without allocating (values can be megabytes long). The
 * former shortcut reported UTF-16 units for anything over 2 × max, so 201 emoji were
 * "got 402" characters.
 */
function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is one code point (a lone one counts alone).
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// The HTML5 form-validation grammar: strict enough to stop junk, loose enough for
// root@localhost, which crontabs do use.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const MAX_ADDRESSES = 50;

/** Parses a comma-separated list of addresses; returns the normalised list or an error. */
export function parseEmails(
  field: string,
  value: string,
): { emails: string[] } | { error: string } {
  if (value.length > MAX_ADDRESSES * 255)
    return { error: `${field} is too long (${value.length} characters)` };
  // Checked before trimming: trim() would silently drop a trailing newline, tab or U+2028
  // ("a@b.io\n" was stored as "a@b.io"); hostile values are rejected, never altered.
  if (CONTROL.test(value)) return { error: `${field} must not contain control characters` };
  const emails = value.split(',').map((s) => s.trim());
  if (emails.length > MAX_ADDRESSES)
    return { error: `${field} lists more than ${MAX_ADDRESSES} addresses` };
  for (const email of emails) {
    if (email === '') return { error: `${field} has an empty address` };
    if (email.length > 254 || !EMAIL.test(email))
      return { error: `${field} has an invalid address: ${quote(email)}` };
  }
  return { emails };
}

/** A short, escaped echo of a bad value for an error message. */
export function quote(value: string): string {
  const cut = value.length > 40 ? value.slice(0, 40) + '…' : value;
  return JSON.stringify(cut);
}
