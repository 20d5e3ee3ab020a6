// The readable parts of a check-in email (issue 16): the decoded Subject, and the first text
// body, or the HTML one without its markup when a mail has none. postal-mime reads the MIME
// (encoded words, transfer encodings, charsets, nested multiparts); a hand-written reader did
// before, with the corner cases such readers miss. The listener caps the mail's size.
import { parse } from 'node-html-parser';
import PostalMime from 'postal-mime';

export interface MailText {
  subject: string;
  body: string;
}

/** The text a reader of an HTML-only mail sees: no tags, no script or style. */
function htmlText(html: string): string {
  const root = parse(html, {
    blockTextElements: { script: false, noscript: false, style: false, pre: true },
  });
  return root.structuredText;
}

/**
 * Never rejects: a mail the parser cannot read still reached its check, and is a check-in
 * with no text. A rejection would answer 451 and the sender would retry it for days.
 */
export async function mailText(raw: Buffer): Promise<MailText> {
  const mail = await PostalMime.parse(raw).catch(() => ({ subject: '', text: '', html: '' }));
  const body = mail.text ?? (mail.html ? htmlText(mail.html) : '');
  return {
    subject: mail.subject ?? '',
    body: body.replace(/\r\n/g, '\n').replace(/\s+$/, ''),
  };
}
