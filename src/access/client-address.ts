import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key under which per-client state (failed logins, rate limits) is kept for a socket address:
 * an IPv4 address as it is; an IPv4-mapped IPv6 address (`::ffff:192.0.2.7`, what a dual-stack
 * server sees for IPv4 clients) as that IPv4 address; any other IPv6 address by its /64 prefix
 * (`2001:db8:1:2::/64`). One subscriber holds at least a /64, so counting single IPv6 addresses
 * would hand an attacker 2^64 fresh identities. Anything else (a unix socket, a name an adapter
 * passed through) is kept as given.
 */
export function clientKeyOf(address: string): string {
  if (isIPv4(address)) return address;
  // The common case on a dual-stack server, checked without the general parse.
  if (address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:') {
    const tail = address.slice(7);
    if (isIPv4(tail)) return tail;
  }
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (isMapped(groups)) return ipv4Of(groups);
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (a zone id dropped); undefined if it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const zone = address.indexOf('%');
  const bare = zone < 0 ? address : address.slice(0, zone);
  if (!isIPv6(bare)) return undefined;
  // One pass over a validated address (this runs per request): at most one `::`, hex groups,
  // and possibly a dotted IPv4 tail at the end.
  const groups: number[] = [];
  let gapAt = -1;
  let group = 0;
  let digits = 0;
  for (let index = 0; index < bare.length; index++) {
    const code = bare.charCodeAt(index);
    if (code === COLON) {
      if (digits > 0) groups.push(group);
      group = 0;
      digits = 0;
      if (bare.charCodeAt(index + 1) === COLON) {
        gapAt = groups.length;
        index++;
      }
    } else if (code === DOT) {
      groups.push(...ipv4Groups(bare.slice(bare.lastIndexOf(':') + 1)));
      digits = 0;
      break;
    } else {
      group = group * 16 + hexDigit(code);
      digits++;
    }
  }
  if (digits > 0) groups.push(group);
  if (gapAt >= 0) groups.splice(gapAt, 0, ...new Array<number>(8 - groups.length).fill(0));
  return groups;
}

const COLON = 58;
const DOT = 46;

function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87;
}

function ipv4Groups(dotted: string): [number, number] {
  const [a, b, c, d] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

function isMapped(groups: readonly number[]): boolean {
  return (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  );
}

function ipv4Of(groups: readonly number[]): string {
  return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
}
