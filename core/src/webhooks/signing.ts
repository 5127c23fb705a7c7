/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing: `webhook-id`,
 * `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` of
 * `${id}.${timestamp}.${body}`, keyed with the base64-decoded part of the `whsec_` secret.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The message id of an event for a subscription: the same for every retry and replay. */
export function messageId(eventId: string, subscriptionId: string): string {
  const digest = createHash('sha256').update(`${eventId}:${subscriptionId}`).digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function signedHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign(secret, id, timestamp, body),
  };
}
