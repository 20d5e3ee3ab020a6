// Multi-host DATABASE_URLs, as libpq writes them (postgres://u:p@h1:5432,h2:5432/db?
// target_session_attrs=read-write): node-postgres 8.23 does not parse them (new URL() throws
// "Invalid URL") and knows no target_session_attrs, yet a failover formation
// (pg_auto_failover) moves the writable server between hosts. This splits such a URL into one
// single-host URL per host, in order, and says whether a session must be writable.

export interface HostList {
  /** One URL per host, in the order given, without target_session_attrs. */
  urls: string[];
  /** target_session_attrs=read-write (or primary): skip servers whose sessions are read-only. */
  readWrite: boolean;
}

const SESSION_ATTRS = ['any', 'read-write', 'primary'];

/** Throws an Error naming what is wrong for a malformed host list or session attribute. */
export function parseHosts(raw: string): HostList {
  const match = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)([^/?#]*)(.*)$/i.exec(raw);
  if (!match) throw new Error('expected a URL such as postgres://user:pass@host:5432/db');
  const [, head, hostPart, tail] = match as unknown as [string, string, string, string];
  const hosts = hostPart.split(',');
  // One empty host is libpq's "socket or default host" (postgres:///db?host=/run/pg).
  if (hosts.length > 1 && hosts.some((h) => h.trim() === '')) {
    throw new Error('empty host in the host list');
  }
  const probe = new URL(`${head}${hosts[0]}${tail}`);
  const attrs = probe.searchParams.get('target_session_attrs') ?? 'any';
  if (!SESSION_ATTRS.includes(attrs)) {
    throw new Error(`target_session_attrs: expected one of ${SESSION_ATTRS.join(', ')}`);
  }
  const urls = hosts.map((host) => {
    const url = new URL(`${head}${host}${tail}`);
    url.searchParams.delete('target_session_attrs');
    return url.toString();
  });
  // A plain URL is handed on exactly as written.
  if (hosts.length === 1 && !probe.searchParams.has('target_session_attrs')) urls[0] = raw;
  return { urls, readWrite: attrs !== 'any' };
}
