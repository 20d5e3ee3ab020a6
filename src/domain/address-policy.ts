// Which addresses outbound calls (job actions, webhooks, channel tests) may connect to
// (issue 12 "Outbound safety"). Cloud metadata and link-local addresses are always refused:
// a job URL pointing there would hand the machine's credentials to whoever wrote the job.
// Loopback and private ranges are refused unless the operator allows them
// (OUTBOUND_ALLOW_PRIVATE=1), since self-hosted users usually call internal services.
import { BlockList, isIP } from 'node:net';

const always = new BlockList();
always.addSubnet('169.254.0.0', 16, 'ipv4');
always.addSubnet('fe80::', 10, 'ipv6');
always.addAddress('fd00:ec2::254', 'ipv6');

const internal = new BlockList();
internal.addSubnet('127.0.0.0', 8, 'ipv4');
// 0.0.0.0 reaches this machine on Linux.
internal.addSubnet('0.0.0.0', 8, 'ipv4');
internal.addSubnet('10.0.0.0', 8, 'ipv4');
internal.addSubnet('172.16.0.0', 12, 'ipv4');
internal.addSubnet('192.168.0.0', 16, 'ipv4');
internal.addSubnet('100.64.0.0', 10, 'ipv4');
internal.addAddress('::1', 'ipv6');
internal.addAddress('::', 'ipv6');
internal.addSubnet('fc00::', 7, 'ipv6');

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address. */
function unmapped(ip: string): { ip: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return { ip: m[1]!, family: 'ipv4' };
  return { ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why `ip` may not be connected to, or undefined when it may. */
export function refusedAddress(address: string, allowPrivate: boolean): string | undefined {
  if (isIP(address) === 0) return `${address} is not an IP address`;
  const { ip, family } = unmapped(address);
  if (always.check(ip, family))
    return `${address} is a link-local or cloud metadata address: outbound calls never go there`;
  if (!allowPrivate && internal.check(ip, family))
    return `${address} is a loopback or private address: set OUTBOUND_ALLOW_PRIVATE=1 to allow internal targets`;
  return undefined;
}
