import { inSubnet, parseIpAddress, type IpBytes } from './ip-address.js';

interface SpecialUseRange {
  network: IpBytes;
  prefixLength: number;
  /** Public, non-secret label used in error descriptions. */
  label: string;
}

function range(cidr: string, label: string): SpecialUseRange {
  const [address, prefix] = cidr.split('/');
  const network = parseIpAddress(address);
  if (!network) throw new Error(`bad CIDR ${cidr}`);
  return { network, prefixLength: Number(prefix), label: `${label} ${cidr}` };
}

/**
 * Address blocks a Client ID Metadata Document is never fetched from
 * (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC 6890; SSRF,
 * draft-ietf-oauth-client-id-metadata-document §6.5 / MCP security best practices).
 * Order matters: the first match names the reason.
 */
const SPECIAL_USE_RANGES: readonly SpecialUseRange[] = [
  range('0.0.0.0/8', 'unspecified ("this network", RFC 1122)'),
  range('10.0.0.0/8', 'private (RFC 1918)'),
  range('100.64.0.0/10', 'shared address space / CGNAT (RFC 6598)'),
  range('127.0.0.0/8', 'loopback (RFC 1122)'),
  range('169.254.0.0/16', 'link-local (RFC 3927)'),
  range('172.16.0.0/12', 'private (RFC 1918)'),
  range('192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'),
  range('192.0.2.0/24', 'documentation (RFC 5737)'),
  range('192.88.99.0/24', '6to4 relay anycast (RFC 7526)'),
  range('192.168.0.0/16', 'private (RFC 1918)'),
  range('198.18.0.0/15', 'benchmarking (RFC 2544)'),
  range('198.51.100.0/24', 'documentation (RFC 5737)'),
  range('203.0.113.0/24', 'documentation (RFC 5737)'),
  range('224.0.0.0/4', 'multicast (RFC 5771)'),
  range('240.0.0.0/4', 'reserved / broadcast (RFC 1112)'),
  range('::/128', 'unspecified (RFC 4291)'),
  range('::1/128', 'loopback (RFC 4291)'),
  range('::ffff:0:0/96', 'IPv4-mapped (RFC 4291)'),
  range('::/96', 'IPv4-compatible (deprecated, RFC 4291)'),
  range('64:ff9b::/96', 'NAT64 (RFC 6052)'),
  range('64:ff9b:1::/48', 'local NAT64 (RFC 8215)'),
  range('100::/64', 'discard-only (RFC 6666)'),
  range('2001:db8::/32', 'documentation (RFC 3849)'),
  range('2001::/23', 'IETF protocol assignments incl. Teredo (RFC 2928)'),
  range('2002::/16', '6to4 (RFC 3056)'),
  range('3fff::/20', 'documentation (RFC 9637)'),
  range('fc00::/7', 'unique local (RFC 4193)'),
  range('fe80::/10', 'link-local (RFC 4291)'),
  range('fec0::/10', 'site-local (deprecated, RFC 3879)'),
  range('ff00::/8', 'multicast (RFC 4291)'),
];

const GLOBAL_UNICAST_IPV6 = range('2000::/3', 'global unicast');

/**
 * Why an IP address must not be connected to when fetching a metadata document,
 * or `undefined` when it is a public unicast address. A string that is not an
 * IP address is refused too.
 *
 * IPv4 addresses embedded in IPv6 (mapped `::ffff:a.b.c.d`, compatible, NAT64,
 * 6to4, Teredo) are refused as a whole, whatever the embedded address.
 * IPv6 outside global unicast `2000::/3` is refused.
 */
export function specialUseAddressReason(address: string): string | undefined {
  const bytes = parseIpAddress(address);
  if (!bytes) return 'not an IP address';
  const match = SPECIAL_USE_RANGES.find((r) => inSubnet(bytes, r.network, r.prefixLength));
  if (match) return match.label;
  if (bytes.length === 16 && !inSubnet(bytes, GLOBAL_UNICAST_IPV6.network, GLOBAL_UNICAST_IPV6.prefixLength)) {
    return 'IPv6 outside global unicast 2000::/3';
  }
  return undefined;
}

/** True when `address` is a public unicast IP address a metadata document may be fetched from. */
export function isPublicUnicastAddress(address: string): boolean {
  return specialUseAddressReason(address) === undefined;
}
