// Just enough MIME to read a check-in email (issue 16): the Subject (RFC 2047 encoded words)
// and the first text part of the body (base64 / quoted-printable, UTF-8 or Latin-1), or the
// HTML part without its tags when there is no text one. Pure; the listener caps the size.

export interface MailText {
  subject: string;
  body: string;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !headers.has(line.slice(0, i).trim().toLowerCase()))
      headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function param(header: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  const cs = (charset ?? 'utf-8').toLowerCase();
  try {
    return new TextDecoder(cs === 'us-ascii' ? 'utf-8' : cs).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function quotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'latin1'));
  }
  return Buffer.from(bytes);
}

function decodeBody(p: Part): string {
  const encoding = (p.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const charset = param(p.headers.get('content-type') ?? '', 'charset');
  if (encoding === 'base64') return decodeBytes(Buffer.from(p.body, 'base64'), charset);
  if (encoding === 'quoted-printable') return decodeBytes(quotedPrintable(p.body), charset);
  return decodeBytes(Buffer.from(p.body, 'latin1'), charset);
}

/** RFC 2047: =?charset?B|Q?…?= words, adjacent ones joined without the space between. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, cs: string, enc: string, text: string) =>
      decodeBytes(
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : quotedPrintable(text.replace(/_/g, ' ')),
        cs,
      ),
    );
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The readable text of a part: its own, or the first text (else HTML) of its sub-parts. */
function textOf(p: Part, depth = 0): { text: string; html: boolean } | undefined {
  const type = (p.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = param(p.headers.get('content-type') ?? '', 'boundary');
    if (!boundary) return undefined;
    const parts = p.body.split(`--${boundary}`).slice(1);
    const found = parts
      .filter((raw) => !raw.startsWith('--'))
      .map((raw) => textOf(splitPart(raw.replace(/^\r?\n/, '')), depth + 1))
      .filter((t) => t !== undefined);
    return found.find((t) => !t.html) ?? found[0];
  }
  if (type.startsWith('text/html')) return { text: htmlToText(decodeBody(p)), html: true };
  if (type.startsWith('text/')) return { text: decodeBody(p), html: false };
  return undefined;
}

export function mailText(raw: string): MailText {
  const top = splitPart(raw);
  return {
    subject: decodeWords(top.headers.get('subject') ?? ''),
    body: (textOf(top)?.text ?? '').replace(/\r\n/g, '\n').replace(/\s+$/, ''),
  };
}
