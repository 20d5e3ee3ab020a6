// COMPAT item 8: the client address is the TCP peer, or the first X-Forwarded-For hop when
// the peer is a configured trusted proxy (gocron stored the balancer's address, and `[` for
// IPv6). The grouping of jobs behind a gateway (site=1) compares these strings.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';

export type AddressOf = (req: IncomingMessage) => string | null;

export function addressResolver(trustProxy: string[]): AddressOf {
  const trust = trustProxy.length > 0 ? proxyaddr.compile(trustProxy) : undefined;
  return (req) => {
    const peer = req.socket.remoteAddress;
    if (!peer) return null;
    let address = peer;
    if (trust) {
      const forwarded = proxyaddr(req, trust);
      // A trusted proxy can still pass on a garbage header: keep the peer then.
      if (isIP(normalise(forwarded)) !== 0) address = forwarded;
    }
    return normalise(address);
  };
}

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; store a.b.c.d. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
