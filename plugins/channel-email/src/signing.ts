/**
 * Signed tokens that let a reply find its way back without a lookup table an attacker could
 * guess into: our Message-IDs, the per-ticket reply-to address, the quoted-body marker and the
 * VERP return path all carry an id plus a truncated HMAC-SHA256 (key derived from the instance
 * secret). A token whose signature does not match is ignored (and reported as tampered).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const SIG_CHARS = 10;
const hex = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const uuidOf = (h: string) =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

export type TokenKind = 'm' | 'r' | 'b' | 'k';

export class Signer {
  private readonly key: Buffer;

  constructor(instanceSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', instanceSecret, 'novumdesk', 'channel-email-v1', 32));
  }

  private sig(kind: TokenKind, id: string): string {
    return createHmac('sha256', this.key)
      .update(`${kind}:${id}`)
      .digest('base64url')
      .replace(/[-_]/g, '')
      .slice(0, SIG_CHARS)
      .toLowerCase();
  }

  /** `<kind><32 hex><signature>`: fits a local part (≤ 64) after `support+`. */
  token(kind: TokenKind, uuid: string): string {
    const h = hex(uuid);
    return `${kind}${h}${this.sig(kind, h)}`;
  }

  /** The uuid of a token of `kind`; `invalid` when it looks like one but is not signed by us. */
  verify(kind: TokenKind, token: string): { uuid: string } | 'invalid' | null {
    const match = new RegExp(`^${kind}([0-9a-f]{32})([0-9a-z]{${SIG_CHARS}})$`, 'i').exec(token);
    if (!match) return null;
    const h = match[1]!.toLowerCase();
    const expected = Buffer.from(this.sig(kind, h));
    const given = Buffer.from(match[2]!.toLowerCase());
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    return { uuid: uuidOf(h) };
  }

  /** Our Message-ID for a ticket message (stable: retries and re-renders give the same one). */
  messageId(ticketMessageId: string, domain: string): string {
    return `<nd.${this.token('m', ticketMessageId)}@${domain}>`;
  }

  /** The ticket message behind one of our Message-IDs, or null. */
  parseMessageId(messageId: string): string | null {
    const match = /^<?nd\.([0-9a-z]+)@[^>]+>?$/i.exec(messageId.trim());
    if (!match) return null;
    const verified = this.verify('m', match[1]!);
    return verified && verified !== 'invalid' ? verified.uuid : null;
  }

  /** The marker put in outbound bodies, for clients that drop headers: `[ref:k…]`. */
  marker(ticketId: string): string {
    return `[ref:${this.token('k', ticketId)}]`;
  }
}

/** `local+tag@domain` → parts (lower-cased). */
export function splitAddress(
  address: string,
): { local: string; tag: string | null; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const localFull = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  const plus = localFull.indexOf('+');
  return plus < 0
    ? { local: localFull, tag: null, domain }
    : { local: localFull.slice(0, plus), tag: localFull.slice(plus + 1), domain };
}

/** The address without its `+tag`. */
export function baseAddress(address: string): string {
  const parts = splitAddress(address);
  return parts ? `${parts.local}@${parts.domain}` : address.toLowerCase();
}

export function taggedAddress(address: string, tag: string): string {
  const parts = splitAddress(address);
  if (!parts) return address;
  return `${parts.local}+${tag}@${parts.domain}`;
}
