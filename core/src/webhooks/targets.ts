/**
 * Where webhooks may be sent (SSRF guard). Only http(s) URLs, always. With
 * `allowPrivateTargets: false` — what a multi-tenant install must set, since any workspace admin
 * can create a subscription — loopback, private, link-local and other non-public addresses are
 * refused: IP literals when the subscription is saved, and the resolved addresses of a host name
 * before every delivery (outside any transaction), so a name re-pointed later is caught too.
 * Residual risk: a resolver answering differently between our lookup and fetch's own lookup
 * (DNS rebinding inside that window); an egress proxy closes it, see the module docs.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { errors } from '../kernel/errors.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** True for an address no tenant-controlled request may reach. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) return blocked.check(bare, 'ipv6');
  return false;
}

/** Validates a subscription URL when it is saved; throws 400 `webhook_url_invalid`. */
export function checkTargetUrl(raw: string, allowPrivateTargets: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw errors.badRequest('webhook_url_invalid', 'The URL is not valid', { url: raw });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw errors.badRequest('webhook_url_invalid', 'Only http and https URLs are allowed');
  if (url.username || url.password)
    throw errors.badRequest('webhook_url_invalid', 'Credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateTargets && (isPrivateAddress(host) || host === 'localhost'))
    throw errors.badRequest('webhook_url_not_allowed', 'The URL points to a private address');
  return url;
}

/** Before a delivery: resolves the host and refuses private addresses (when not allowed). */
export async function assertPublicTarget(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  const bad = addresses.find(isPrivateAddress);
  if (bad || host === 'localhost')
    throw new Error(`target ${host} resolves to a private address (${bad ?? host})`);
}
