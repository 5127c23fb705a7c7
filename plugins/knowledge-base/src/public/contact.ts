/**
 * The help center's "contact us" form: a ticket in the center's own API inbox, created through
 * the core's `channelInbound` service (the same path every channel's inbound messages take).
 *
 * Bot checks without any third-party service:
 * - a honeypot field (`website`), hidden from people and assistive technology, that bots fill;
 * - a signed form token (HMAC of the center id and the time the form was served): a post without
 *   a valid one, one made faster than `contactMinFillSeconds`, or one older than two hours is
 *   refused — a bot must fetch the form and wait, which costs it what a proof-of-work would;
 * - a rate limit per visitor and center (`contactRateLimit`), kept in PostgreSQL so every node
 *   counts together, keyed by a keyed hash of the address (no IP address is stored).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Scope as KbScope } from '../ids.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inWorkspaceScope } from '@novumdesk/core';
import { z } from 'zod';
import { setContactInbox, type CenterView } from '../centers.js';
import { sqlFor } from '../db.js';

const TOKEN_MAX_AGE_MS = 2 * 60 * 60 * 1000;

function keyFor(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`novumdesk:knowledge-base:${purpose}`).digest();
}

export class ContactGuard {
  private readonly tokenKey: Buffer;
  private readonly rateKey: Buffer;

  constructor(secret: string) {
    this.tokenKey = keyFor(secret, 'contact-token');
    this.rateKey = keyFor(secret, 'contact-rate');
  }

  issue(centerId: string, now: Date): string {
    const issued = now.getTime().toString(36);
    return `${issued}.${this.sign(centerId, issued)}`;
  }

  /** `ok`, or why the token is refused. */
  check(
    token: string,
    centerId: string,
    now: Date,
    minFillMs: number,
  ): 'ok' | 'invalid' | 'fast' | 'expired' {
    const [issued, signature] = token.split('.');
    if (!issued || !signature) return 'invalid';
    const expected = Buffer.from(this.sign(centerId, issued));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const age = now.getTime() - parseInt(issued, 36);
    if (!Number.isFinite(age) || age > TOKEN_MAX_AGE_MS) return 'expired';
    if (age < minFillMs) return 'fast';
    return 'ok';
  }

  private sign(centerId: string, issued: string): string {
    return createHmac('sha256', this.tokenKey).update(`${centerId}.${issued}`).digest('base64url');
  }

  /** One more submission of `visitor` to the center; false when over the limit in this window. */
  async allow(
    em: EntityManager,
    centerId: string,
    visitor: string,
    limit: { limit: number; windowSeconds: number },
    now: Date,
  ): Promise<boolean> {
    const windowMs = limit.windowSeconds * 1000;
    const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const key = `contact:${centerId}:${createHmac('sha256', this.rateKey).update(visitor).digest('base64url')}`;
    const sql = sqlFor(em);
    const rows = await sql(
      `insert into knowledge_base_rate_limit (key, window_start, count) values (?, ?, 1)
       on conflict (key, window_start) do update set count = knowledge_base_rate_limit.count + 1
       returning count`,
      [key, start],
    );
    if (Math.random() < 0.02) {
      await sql(`delete from knowledge_base_rate_limit where window_start < ?`, [
        new Date(now.getTime() - 86_400_000),
      ]);
    }
    return Number(rows[0]?.count ?? 1) <= limit.limit;
  }
}

export const ContactFormSchema = z.object({
  name: z.string().trim().max(100).default(''),
  email: z.email().max(254).toLowerCase(),
  subject: z.string().trim().min(3).max(200),
  message: z.string().trim().min(10).max(10_000),
});

/** The slice of the core's `channelInbound` service the form uses. */
interface Intake {
  receive(
    scope: KbScope,
    workspaceId: string,
    message: {
      inboxId: string;
      from: { email: string; name?: string | null };
      subject: string;
      text: string;
      tags?: string[];
    },
  ): Promise<{ ticketId: string }>;
  inbox(em: EntityManager, workspaceId: string, inboxId: string): Promise<{ id: string } | null>;
  createInbox(
    em: EntityManager,
    workspaceId: string,
    input: { channelType: string; name: string; settings: Record<string, unknown> },
  ): Promise<{ id: string }>;
}

export class ContactUnavailableError extends Error {}

/** Creates the ticket in the center's own API inbox (created on first use). */
export async function submitContact(
  scope: KbScope,
  center: CenterView,
  workspaceId: string,
  form: z.output<typeof ContactFormSchema>,
): Promise<string> {
  if (!scope.hasRegistration('channelInbound')) {
    throw new ContactUnavailableError('the inboxes module is not loaded');
  }
  const intake = (scope.cradle as unknown as { channelInbound: Intake }).channelInbound;
  return inWorkspaceScope(scope, workspaceId, async () => {
    const { em } = scope.cradle;
    // Read (and lock) the current inbox: the cached center may predate its creation.
    const rows = await sqlFor(em)(
      `select contact_inbox_id from knowledge_base_center where id = ? for update`,
      [center.id],
    );
    let inboxId = (rows[0]?.contact_inbox_id as string | null | undefined) ?? null;
    if (!inboxId || !(await intake.inbox(em, workspaceId, inboxId))) {
      const inbox = await intake.createInbox(em, workspaceId, {
        channelType: 'api',
        name: `Help center: ${center.name}`.slice(0, 100),
        settings: { tags: ['help-center'] },
      });
      inboxId = inbox.id;
      await setContactInbox(sqlFor(em), workspaceId, center.id, inboxId);
    }
    const result = await intake.receive(scope, workspaceId, {
      inboxId,
      from: { email: form.email, name: form.name || null },
      subject: form.subject,
      text: form.message,
      tags: ['help-center'],
    });
    return result.ticketId;
  });
}

/** `application/x-www-form-urlencoded` body, at most `limit` bytes. */
export async function readForm(
  req: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> },
  limit = 64 * 1024,
): Promise<Record<string, string> | null> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}
