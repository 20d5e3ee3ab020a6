// The outbound policy applied where it matters: on the address a socket is about to connect
// to. A `lookup` that resolves, checks and hands node only the checked address means a name
// that resolved to a public address when the job was saved and to 169.254.169.254 at run
// time (DNS rebinding) is refused before any connection is opened.
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { refusedAddress } from '../domain/address-policy.js';

/** A target the policy refused: never retried (a dead tick), a 400 when saved. */
export class OutboundRefused extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true });

/** The first allowed address of `host`, or OutboundRefused naming why none is. */
export async function resolveAllowed(
  host: string,
  allowPrivate: boolean,
  resolve: Resolve,
): Promise<{ address: string; family: number }> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const candidates = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await resolve(bare);
  let reason = `${host} has no address`;
  for (const c of candidates) {
    const refused = refusedAddress(c.address, allowPrivate);
    if (!refused) return c;
    reason = `${host}: ${refused}`;
  }
  throw new OutboundRefused(reason);
}

/** A net `lookup` for http.request that connects only to addresses the policy allows. */
export function policyLookup(allowPrivate: boolean, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, allowPrivate, resolve).then(
      (a) => {
        // node ≥ 20 asks for every address (autoSelectFamily); give it the checked one only.
        if (options.all) callback(null, [{ address: a.address, family: a.family }]);
        else callback(null, a.address, a.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}
