/**
 * Outbound: the email channel provider (`send()` renders the reply and queues it; settings and
 * secrets of email inboxes; the routing table kept in step with inboxes) and the
 * `channel-email.send` job that hands the stored MIME to the relay — or captures it when no
 * relay is configured (stored, shown in the outbox, never reported as sent).
 *
 * The Message-ID is derived from the ticket message's id and the rendered bytes are stored, so
 * every retry sends the same message. Temporary failures (4xx, connection errors) are retried
 * with exponential backoff, recorded as `deferred`; permanent ones (5xx) fail at once.
 */
import { v7 as uuidv7 } from 'uuid';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import {
  errors,
  withWorkspace,
  type ChannelOutboundMessage,
  type ChannelProvider,
  type ChannelSendContext,
  type DeliveryResult,
  type RequestCradle,
} from '@novumdesk/core';
import type { AwilixContainer } from 'awilix';
import { asBuffer, sqlOf, textArray, type Sql } from './db.js';
import { LOOP_HEADER } from './auto-reply.js';
import { EMAIL_SECRETS, EmailInboxSettingsSchema, type EmailInboxSettings } from './options.js';
import { REPLY_ABOVE } from './parse.js';
import type { EmailRuntime } from './runtime.js';
import { splitAddress, taggedAddress } from './signing.js';

export const SEND_JOB = 'channel-email.send';

type ChannelInboxChange = Parameters<NonNullable<ChannelProvider['inboxChanged']>>[0];

/** Job payload: `ws`, not `workspaceId`, so the job runs outside a transaction (SMTP I/O). */
export interface SendJobData {
  ws: string;
  outboundId: string;
}

const runtimeOf = (scope: AwilixContainer<RequestCradle>): EmailRuntime =>
  scope.cradle.channelEmailRuntime;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function replySubject(subject: string, ticketNumber: number | undefined): string {
  const base = /^(re|aw|sv|antw):/i.test(subject) ? subject : `Re: ${subject}`;
  if (ticketNumber === undefined || base.includes(`[#${ticketNumber}]`)) return base;
  return `${base} [#${ticketNumber}]`;
}

export async function renderReply(
  rt: EmailRuntime,
  sql: Sql,
  workspaceId: string,
  message: ChannelOutboundMessage,
  settings: EmailInboxSettings,
  outboundId: string,
): Promise<{ raw: Buffer; messageId: string; envelopeFrom: string }> {
  const domain = splitAddress(settings.address)?.domain ?? 'localhost';
  const messageId = rt.signer.messageId(message.messageId, domain);
  // The conversation so far: what the customer sent us and what we sent, oldest first.
  const history = await sql(
    `select rfc_message_id, at from (
       select rfc_message_id, received_at as at from channel_email_inbound
        where workspace_id = ? and ticket_id = ? and rfc_message_id is not null
       union all
       select rfc_message_id, created_at as at from channel_email_outbound
        where workspace_id = ? and ticket_message_id in (
          select id from ticket_message where workspace_id = ? and ticket_id = ?)
     ) h order by at desc limit 20`,
    [workspaceId, message.ticketId, workspaceId, workspaceId, message.ticketId],
  );
  const references = history.map((r) => r.rfc_message_id as string).reverse();
  const lastInbound = (
    await sql(
      `select rfc_message_id from channel_email_inbound
        where workspace_id = ? and ticket_id = ? and rfc_message_id is not null
        order by received_at desc limit 1`,
      [workspaceId, message.ticketId],
    )
  )[0]?.rfc_message_id as string | undefined;
  const marker = rt.signer.marker(message.ticketId);
  const text = `${REPLY_ABOVE}\n\n${message.body}\n\n${marker}\n`;
  const html =
    `<div style="color:#888;font-size:12px">${escapeHtml(REPLY_ABOVE)}</div>` +
    `<div>${escapeHtml(message.body).replace(/\n/g, '<br>')}</div>` +
    `<div style="color:#bbb;font-size:10px">${escapeHtml(marker)}</div>`;
  const replyTo = taggedAddress(settings.address, rt.signer.token('r', message.ticketId));
  const envelopeFrom = taggedAddress(settings.address, rt.signer.token('b', outboundId));
  const composer = new MailComposer({
    from: {
      name: message.authorName ?? settings.fromName ?? rt.options.productName,
      address: settings.address,
    },
    to: message.to,
    replyTo,
    subject: replySubject(message.subject, message.ticketNumber),
    messageId,
    ...(lastInbound ? { inReplyTo: lastInbound } : {}),
    ...(references.length ? { references } : {}),
    text,
    html,
    headers: { [LOOP_HEADER]: domain, 'Auto-Submitted': 'no' },
  });
  const raw = await composer.compile().build();
  return { raw, messageId, envelopeFrom };
}

export function emailProvider(): ChannelProvider<EmailInboxSettings> {
  return {
    type: 'email',
    displayName: 'Email',
    settings: EmailInboxSettingsSchema,
    secrets: EMAIL_SECRETS,
    inboxChanged: (change) => syncRoutes(change),
    async send(
      message: ChannelOutboundMessage,
      ctx: ChannelSendContext<EmailInboxSettings>,
    ): Promise<DeliveryResult> {
      const rt = runtimeOf(ctx.scope);
      const { em, jobs, clock } = ctx.scope.cradle;
      const sql = sqlOf(em);
      const settings = EmailInboxSettingsSchema.parse(ctx.settings);
      const [seen] = await sql(
        `select rfc_message_id from channel_email_outbound where workspace_id = ? and ticket_message_id = ?`,
        [ctx.workspaceId, message.messageId],
      );
      if (seen) return { status: 'queued', externalId: seen.rfc_message_id };
      const [blocked] = await sql(
        `select undeliverable_at, suppressed_at, last_reason from channel_email_address
          where workspace_id = ? and address = ? and (undeliverable_at is not null or suppressed_at is not null)`,
        [ctx.workspaceId, message.to.toLowerCase()],
      );
      if (blocked) {
        const why = blocked.suppressed_at
          ? 'complained'
          : `undeliverable (${blocked.last_reason ?? 'hard bounces'})`;
        return { status: 'failed', error: `address suppressed: ${why}`, retryable: false };
      }
      const id = uuidv7();
      const rendered = await renderReply(rt, sql, ctx.workspaceId, message, settings, id);
      await sql(
        `insert into channel_email_outbound (id, workspace_id, inbox_id, ticket_message_id,
                    rfc_message_id, envelope_from, recipients, subject, raw, status, created_at)
         values (?, ?, ?, ?, ?, ?, ?::text[], ?, ?, 'queued', ?)`,
        [
          id,
          ctx.workspaceId,
          message.inboxId,
          message.messageId,
          rendered.messageId,
          rendered.envelopeFrom,
          textArray([message.to]),
          replySubject(message.subject, message.ticketNumber),
          rendered.raw,
          clock.now(),
        ],
      );
      await jobs.send(SEND_JOB, { ws: ctx.workspaceId, outboundId: id } satisfies SendJobData, {
        em,
      });
      return { status: 'queued', externalId: rendered.messageId };
    },
  };
}

/** Keeps `channel_email_route` in step with an email inbox's address and aliases. */
async function syncRoutes(change: ChannelInboxChange): Promise<void> {
  const sql = sqlOf(change.em);
  const { inbox, workspaceId } = change;
  if (change.action === 'deleted') {
    await sql(`delete from channel_email_route where inbox_id = ?`, [inbox.id]);
    return;
  }
  const settings = inbox.settings as EmailInboxSettings;
  const addresses = inbox.enabled ? [settings.address, ...(settings.aliases ?? [])] : [];
  await sql(`delete from channel_email_route where inbox_id = ? and address <> all(?::text[])`, [
    inbox.id,
    textArray(addresses),
  ]);
  for (const address of new Set(addresses)) {
    const rows = await sql(
      `insert into channel_email_route (address, workspace_id, inbox_id, imap, updated_at)
       values (?, ?, ?, ?, now())
       on conflict (address) do update set imap = excluded.imap, updated_at = excluded.updated_at
         where channel_email_route.inbox_id = excluded.inbox_id
       returning address`,
      [address, workspaceId, inbox.id, Boolean(settings.imap)],
    );
    if (!rows[0]) {
      throw errors.conflict(
        'address_in_use',
        `The address ${address} already belongs to another inbox`,
        {
          address,
        },
      );
    }
  }
}

/** Backoff before attempt `n + 1` (n ≥ 1): base · 2^(n−1), capped at six hours. */
export const backoffSeconds = (base: number, attempts: number) =>
  Math.min(base * 2 ** (attempts - 1), 6 * 3600);

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
  response?: string;
}

/** The `channel-email.send` job. */
export async function sendOutbound(
  rt: EmailRuntime,
  data: SendJobData,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const { em, deliveryEvents, jobs, clock } = scope.cradle;
  const row = await withWorkspace(
    em.fork(),
    data.ws,
    async (tx) =>
      (
        await sqlOf(tx)(`select * from channel_email_outbound where workspace_id = ? and id = ?`, [
          data.ws,
          data.outboundId,
        ])
      )[0],
  );
  if (!row || ['sent', 'captured', 'failed'].includes(row.status)) return;
  const recipients = parseRecipients(row.recipients);
  const finish = (
    status: 'sent' | 'captured' | 'failed' | 'deferred',
    detail: string | null,
    reason: string | null,
    retryInSeconds?: number,
  ) =>
    withWorkspace(em.fork(), data.ws, async (tx) => {
      const sql = sqlOf(tx);
      await sql(
        `update channel_email_outbound
            set status = ?, attempts = attempts + ?, last_error = ?, sent_at = ?
          where workspace_id = ? and id = ?`,
        [
          status === 'deferred' ? 'queued' : status,
          status === 'captured' ? 0 : 1,
          status === 'sent' ? null : detail,
          status === 'sent' ? clock.now() : null,
          data.ws,
          data.outboundId,
        ],
      );
      if (row.ticket_message_id) {
        await deliveryEvents.record(tx, data.ws, {
          messageId: row.ticket_message_id,
          status,
          recipient: recipients[0] ?? null,
          reason,
          detail,
          source: status === 'captured' ? 'capture' : 'relay',
        });
      }
      if (retryInSeconds !== undefined) {
        await jobs.send(SEND_JOB, data, {
          em: tx,
          startAfter: new Date(clock.now().getTime() + retryInSeconds * 1000),
        });
      }
    });
  const relay = rt.relayTransport();
  if (!relay) {
    await finish(
      'captured',
      'No relay is configured (NOVUMDESK_SMTP_RELAY): stored in the outbox, not sent',
      'not_sent',
    );
    return;
  }
  try {
    const info = await relay.sendMail({
      envelope: { from: row.envelope_from, to: recipients },
      raw: asBuffer(row.raw),
    });
    await finish('sent', String(info.response ?? ''), null);
  } catch (error) {
    const err = error as SmtpError;
    const code = err.responseCode ?? 0;
    const detail = (err.response ?? err.message).slice(0, 1000);
    const permanent = code >= 500 && code < 600;
    const attempts = Number(row.attempts) + 1;
    if (permanent) {
      await finish('failed', detail, 'send_error');
    } else if (attempts >= rt.options.outbound.maxAttempts) {
      await finish('failed', detail, 'retries_exhausted');
    } else {
      await finish(
        'deferred',
        detail,
        code ? `smtp_${code}` : (err.code ?? 'connection'),
        backoffSeconds(rt.options.outbound.retryDelaySeconds, attempts),
      );
    }
  }
}

const parseRecipients = (value: unknown): string[] =>
  Array.isArray(value)
    ? (value as string[])
    : String(value ?? '')
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean)
        .map((v) => v.replace(/^"|"$/g, ''));
