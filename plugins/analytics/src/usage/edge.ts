/**
 * Device data reduced at the edge, before anything is stored: the IP address truncated to its
 * network (/24 for IPv4, /48 for IPv6), the browser family and OS from the User-Agent, and the
 * privacy signals of the request (`DNT: 1`, `Sec-GPC: 1`). Nothing here fingerprints: no
 * version numbers, screen sizes, fonts or other high-entropy fields are read or kept.
 */
import { isIP } from 'node:net';
import Bowser from 'bowser';

/** True when the request carries Do Not Track or Global Privacy Control. */
export function optedOutByHeaders(headers: Record<string, string | string[] | undefined>): boolean {
  const first = (name: string) => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim();
  };
  return first('dnt') === '1' || first('sec-gpc') === '1';
}

/**
 * The network part of an address: `203.0.113.77` → `203.0.113.0/24`,
 * `2001:db8:abcd:12:…` → `2001:db8:abcd::/48`. IPv4-mapped IPv6 (`::ffff:203.0.113.77`) is
 * treated as IPv4. Anything that is not an IP address gives null.
 */
export function truncateIp(address: string | undefined | null): string | null {
  if (!address) return null;
  let ip = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const version = isIP(ip);
  if (version === 4) {
    const [a, b, c] = ip.split('.');
    return `${Number(a)}.${Number(b)}.${Number(c)}.0/24`;
  }
  if (version === 6) {
    const groups = expandIpv6(ip);
    if (!groups) return null;
    const head = groups.slice(0, 3).map((g) => parseInt(g, 16).toString(16));
    return `${head.join(':')}::/48`;
  }
  return null;
}

/** The first address of a truncated network, for the country lookup. */
export function networkAddress(prefix: string): string {
  return prefix.replace(/\/\d+$/, '');
}

/** Eight 16-bit groups (hex strings) of an IPv6 address, or null. */
function expandIpv6(ip: string): string[] | null {
  const withoutZone = ip.split('%')[0]!;
  const halves = withoutZone.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  // An embedded IPv4 tail (`::1.2.3.4`) counts as two groups; only the first three matter here.
  const count = [...head, ...tail].reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const fill = halves.length === 2 ? 8 - count : 0;
  if (fill < 0 || (halves.length === 1 && count !== 8)) return null;
  return [...head, ...Array<string>(fill).fill('0'), ...tail];
}

export interface DeviceInfo {
  browser: string | null;
  os: string | null;
}

/** Browser family and OS name only (`Chrome`, `macOS`): no versions, no device model. */
export function parseUserAgent(userAgent: string | undefined | null): DeviceInfo {
  if (!userAgent) return { browser: null, os: null };
  try {
    const parser = Bowser.getParser(userAgent.slice(0, 512));
    return {
      browser: parser.getBrowserName() || null,
      os: parser.getOSName() || null,
    };
  } catch {
    return { browser: null, os: null };
  }
}
