/**
 * Inbound mail, from any of the three entrances (SMTP, IMAP, HTTP):
 *
 * 1. `acceptRaw` stores the raw message in the inbox's workspace and enqueues its processing in
 *    the same transaction; only after that commit does the entrance acknowledge (SMTP 250, IMAP
 *    flag, HTTP 2xx). A redelivery (same Message-ID, or same bytes without one) stores nothing.
 * 2. The `channel-email.process` job reads the stored copy and turns it into a ticket or a
 *    follow-up — or, for delivery reports and complaints, into delivery events — exactly once
 *    (the row's status is checked and changed in the job's transaction).
 */
import { v7 as uuidv7 } from 'uuid';
import { inWorkspaceScope, withWorkspace, type RequestCradle } from '@novumdesk/core';
import type { AwilixContainer } from 'awilix';
import { asBuffer, sqlOf, type EntityManager, type Sql } from './db.js';
import { autoReplyVerdict, type AutoVerdict } from './auto-reply.js';
import { classifyBounce, type BounceVerdict } from './bounce.js';
import { dedupeKey as dedupeKeyOf, parseMail, stripQuoted, type NormalizedMail } from './parse.js';
import type { EmailRuntime } from './runtime.js';
import { splitAddress } from './signing.js';
import type { ThreadMatch, ThreadQuery } from './threading.js';
import type { EmailInboxSettings } from './options.js';

export const PROCESS_JOB = 'channel-email.process';

export interface Envelope {
  mailFrom?: string | null;
  rcptTo?: string[];
  remoteAddress?: string | null;
}

export interface AcceptInput {
  workspaceId: string;
  inboxId: string;
  source: 'smtp' | 'imap' | 'http';
  raw: Buffer;
  envelope?: Envelope;
}

export interface Accepted {
  id: string | null;
  duplicate: boolean;
}

/** Stores the raw message and its processing job atomically; idempotent per message. */
export async function acceptRaw(rt: EmailRuntime, input: AcceptInput): Promise<Accepted> {
  const { key: dedupeKey, messageId } = dedupeKeyOf(input.raw);
  const { orm, jobs, clock } = rt.cradle;
  return withWorkspace(orm.em.fork(), input.workspaceId, async (tx) => {
    const sql = sqlOf(tx);
    const id = uuidv7();
    const rows = await sql(
      `insert into channel_email_inbound (id, workspace_id, inbox_id, source, dedupe_key,
                                          rfc_message_id, raw, size, envelope, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
       on conflict (workspace_id, dedupe_key) do nothing returning id`,
      [
        id,
        input.workspaceId,
        input.inboxId,
        input.source,
        dedupeKey,
        messageId,
        input.raw,
        input.raw.length,
        JSON.stringify(input.envelope ?? {}),
        clock.now(),
      ],
    );
    if (!rows[0]) return { id: null, duplicate: true };
    await jobs.send(
      PROCESS_JOB,
      { ws: input.workspaceId, inboundId: id } satisfies ProcessJobData,
      {
        em: tx,
      },
    );
    return { id, duplicate: false };
  });
}

export interface ProcessOutcome {
  status: 'processed' | 'report' | 'report_unmatched' | 'loop' | 'failed';
  /** The identified sender (personal-data requests find a subject's mail by it). */
  sender?: string | null;
  ticketId?: string;
  messageId?: string;
  rule?: string | null;
  automatic?: AutoVerdict;
  bounce?: Pick<BounceVerdict, 'bounce' | 'complaint' | 'delivered' | 'reason' | 'hard' | 'status'>;
  parseError?: string | null;
}

/** The sender a reply goes back to: Reply-To (unless it points at us), else From. */
export async function senderOf(
  rt: EmailRuntime,
  mail: NormalizedMail,
  sql: Sql,
): Promise<{ email: string; name: string | null } | null> {
  const replyTo = mail.replyTo[0];
  if (replyTo && !(await rt.isOwnAddress(replyTo.address, sql))) {
    return { email: replyTo.address, name: replyTo.name ?? mail.from?.name ?? null };
  }
  return mail.from ? { email: mail.from.address, name: mail.from.name } : null;
}

export function threadQuery(
  workspaceId: string,
  inboxId: string,
  mail: NormalizedMail,
  sender: string | null,
  envelope: Envelope,
): ThreadQuery {
  return {
    workspaceId,
    inboxId,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    sender,
    recipients: [
      ...new Set([
        ...mail.to.map((a) => a.address),
        ...mail.cc.map((a) => a.address),
        ...(envelope.rcptTo ?? []).map((a) => a.toLowerCase()),
      ]),
    ],
  };
}

/**
 * The `channel-email.process` job payload. `ws`, not `workspaceId`: the job opens one workspace
 * transaction per message itself (see `processJob`).
 */
export interface ProcessJobData {
  ws: string;
  inboundId: string;
}

/** Messages one job processes besides its own, each in its own transaction. */
const DRAIN_LIMIT = 200;

/**
 * The `channel-email.process` job: processes its message, then drains the workspace's other
 * stored messages (their own jobs then find nothing left to do) — one transaction per message,
 * so one bad message never holds back the others. A failure on its own message throws (the job
 * queue retries); a failure on a drained one is left to that message's own job.
 */
export async function processJob(
  rt: EmailRuntime,
  data: ProcessJobData,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const one = (inboundId: string) =>
    inWorkspaceScope(scope, data.ws, () =>
      processInbound(rt, { workspaceId: data.ws, inboundId }, scope),
    );
  await one(data.inboundId);
  const skipped = new Set<string>([data.inboundId]);
  for (let i = 0; i < DRAIN_LIMIT; i++) {
    const next = await inWorkspaceScope(scope, data.ws, async () => {
      const rows = await sqlOf(scope.cradle.em)(
        `select id from channel_email_inbound
          where workspace_id = ? and status = 'stored' and id <> all(?::uuid[])
          order by id limit 1`,
        [data.ws, `{${[...skipped].join(',')}}`],
      );
      return (rows[0]?.id as string | undefined) ?? null;
    });
    if (!next) break;
    try {
      await one(next);
    } catch (error) {
      skipped.add(next);
      rt.logger.warn(
        { err: error, inboundId: next },
        'email: processing failed; its own job retries',
      );
    }
  }
}

/** Processes one stored message in the scope's workspace transaction (exactly once). */
export async function processInbound(
  rt: EmailRuntime,
  data: { workspaceId: string; inboundId: string },
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const { em, clock } = scope.cradle;
  const sql = sqlOf(em);
  const [row] = await sql(
    `select * from channel_email_inbound where workspace_id = ? and id = ? for update`,
    [data.workspaceId, data.inboundId],
  );
  // Exactly once: a redelivered job finds the row already processed.
  if (!row || row.status !== 'stored') return;
  const raw = asBuffer(row.raw);
  const envelope = (
    typeof row.envelope === 'string' ? JSON.parse(row.envelope) : row.envelope
  ) as Envelope;
  const outcome = await decide(rt, scope, {
    workspaceId: data.workspaceId,
    inboxId: row.inbox_id,
    raw,
    envelope,
  });
  await sql(
    `update channel_email_inbound
        set status = ?, outcome = ?::jsonb, thread_rule = ?, ticket_id = ?, message_id = ?,
            error = ?, processed_at = ?
      where workspace_id = ? and id = ?`,
    [
      outcome.status,
      JSON.stringify(outcome),
      outcome.rule ?? null,
      outcome.ticketId ?? null,
      outcome.messageId ?? null,
      outcome.parseError ?? null,
      clock.now(),
      data.workspaceId,
      data.inboundId,
    ],
  );
}

async function decide(
  rt: EmailRuntime,
  scope: AwilixContainer<RequestCradle>,
  input: { workspaceId: string; inboxId: string; raw: Buffer; envelope: Envelope },
): Promise<ProcessOutcome> {
  const { em, hooks, channelInbound, requestId } = scope.cradle;
  const mail = await parseMail(input.raw);
  const automatic = autoReplyVerdict(mail, input.envelope.mailFrom);
  const parseError = mail.parseError;
  // Our own mail coming back (loop header, or sent from one of our addresses): dropped.
  const sql = sqlOf(em);
  if (automatic.loop || (mail.from && (await rt.isOwnAddress(mail.from.address, sql)))) {
    return { status: 'loop', sender: mail.from?.address ?? null, automatic, parseError };
  }
  const verp = verpTarget(rt, mail, input.envelope);
  const bounce = classifyBounce(mail, input.raw);
  if (bounce.bounce || bounce.complaint || bounce.delivered || verp) {
    const matched = await recordReport(rt, em, input.workspaceId, bounce, verp);
    return {
      status: matched ? 'report' : 'report_unmatched',
      sender: mail.from?.address ?? null,
      automatic,
      bounce: summary(bounce),
      parseError,
    };
  }
  const sender = await senderOf(rt, mail, sql);
  const query = threadQuery(
    input.workspaceId,
    input.inboxId,
    mail,
    sender?.email ?? null,
    input.envelope,
  );
  const ctx = { em, scope, actor: null, workspaceId: input.workspaceId, requestId };
  const match: ThreadMatch | undefined = await hooks['channel-email:resolveThread'].promise(
    query,
    ctx,
  );
  const inbox = await channelInbound.inbox(em, input.workspaceId, input.inboxId);
  const settings = (inbox?.settings ?? {}) as Partial<EmailInboxSettings>;
  const text =
    stripQuoted(mail.text) || (mail.attachments.length ? '(attachments only)' : '(empty message)');
  const result = await channelInbound.receive(scope, input.workspaceId, {
    inboxId: input.inboxId,
    from: { email: sender?.email ?? 'unknown-sender@invalid.invalid', name: sender?.name ?? null },
    subject: mail.subject || '(no subject)',
    text: text.slice(0, 65_536),
    html: mail.html,
    ticketId: match?.ticketId ?? null,
    automatic: automatic.automatic,
    tags: settings.tags ?? [],
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      data: a.content,
      contentId: a.contentId,
      inline: a.inline,
    })),
  });
  return {
    status: 'processed',
    sender: sender?.email ?? null,
    ticketId: result.ticketId,
    messageId: result.messageId,
    rule: match?.rule ?? null,
    automatic,
    parseError,
  };
}

const summary = (b: BounceVerdict) => ({
  bounce: b.bounce,
  complaint: b.complaint,
  delivered: b.delivered,
  reason: b.reason,
  hard: b.hard,
  status: b.status,
});

/** The outbound message a VERP return path (`support+b…@domain`) names, if any. */
export function verpTarget(
  rt: EmailRuntime,
  mail: NormalizedMail,
  envelope: Envelope,
): string | null {
  const candidates = [
    ...(envelope.rcptTo ?? []),
    ...mail.to.map((a) => a.address),
    ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((h) =>
      (mail.headers.get(h) ?? '').split(/[,\s]+/),
    ),
  ];
  for (const address of candidates) {
    const tag = splitAddress(address.replace(/[<>]/g, ''))?.tag;
    if (!tag) continue;
    const verified = rt.signer.verify('b', tag);
    if (verified && verified !== 'invalid') return verified.uuid;
  }
  return null;
}

/** Delivery events for a report about one of our messages; false when it names none. */
async function recordReport(
  rt: EmailRuntime,
  em: EntityManager,
  workspaceId: string,
  report: BounceVerdict,
  verpOutboundId: string | null,
): Promise<boolean> {
  const sql = sqlOf(em);
  let outbound = verpOutboundId
    ? (
        await sql(`select * from channel_email_outbound where workspace_id = ? and id = ?`, [
          workspaceId,
          verpOutboundId,
        ])
      )[0]
    : undefined;
  if (!outbound && report.originalMessageId) {
    outbound = (
      await sql(
        `select * from channel_email_outbound where workspace_id = ? and rfc_message_id = ?
          order by created_at desc limit 1`,
        [workspaceId, report.originalMessageId],
      )
    )[0];
  }
  if (!outbound?.ticket_message_id) return false;
  const recipients: string[] = parseArray(outbound.recipients);
  const entries = report.entries.length
    ? report.entries
    : [
        {
          recipient: null,
          action: 'failed',
          status: '',
          replyCode: '',
          reason: 'undefined',
          hardBounce: false,
          diagnostic: '',
        },
      ];
  for (const entry of entries) {
    const status = report.complaint
      ? 'complained'
      : entry.reason === 'delivered'
        ? 'delivered'
        : entry.action === 'delayed' || /^4\./.test(entry.status)
          ? 'deferred'
          : 'bounced';
    const recipient = entry.recipient ?? recipients[0] ?? null;
    await rt.cradle.deliveryEvents.record(em, workspaceId, {
      messageId: outbound.ticket_message_id,
      status,
      recipient,
      hard: status === 'bounced' ? entry.hardBounce : null,
      reason: report.complaint ? (report.feedbackType ?? 'feedback') : entry.reason,
      detail: [entry.status, entry.diagnostic].filter(Boolean).join(' ') || null,
      source: report.complaint ? 'arf' : verpOutboundId ? 'verp' : 'dsn',
    });
    if (recipient && (status === 'bounced' || status === 'complained')) {
      await noteAddress(rt, sql, workspaceId, recipient, status, entry.hardBounce, entry.reason);
    }
  }
  return true;
}

const parseArray = (value: unknown): string[] =>
  Array.isArray(value)
    ? (value as string[])
    : typeof value === 'string'
      ? value
          .replace(/^\{|\}$/g, '')
          .split(',')
          .filter(Boolean)
          .map((v) => v.replace(/^"|"$/g, ''))
      : [];

/** Bounce and complaint counts per address; repeated hard bounces make it undeliverable. */
async function noteAddress(
  rt: EmailRuntime,
  sql: Sql,
  workspaceId: string,
  address: string,
  status: 'bounced' | 'complained',
  hard: boolean,
  reason: string,
): Promise<void> {
  const now = rt.cradle.clock.now();
  const threshold = rt.options.undeliverableAfterHardBounces;
  await sql(
    `insert into channel_email_address (workspace_id, address, hard_bounces, soft_bounces,
                                        complaints, last_reason, undeliverable_at, suppressed_at,
                                        updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (workspace_id, address) do update set
       hard_bounces = channel_email_address.hard_bounces + excluded.hard_bounces,
       soft_bounces = channel_email_address.soft_bounces + excluded.soft_bounces,
       complaints = channel_email_address.complaints + excluded.complaints,
       last_reason = excluded.last_reason,
       undeliverable_at = coalesce(channel_email_address.undeliverable_at,
         case when channel_email_address.hard_bounces + excluded.hard_bounces >= ?
              then excluded.updated_at end),
       suppressed_at = coalesce(channel_email_address.suppressed_at, excluded.suppressed_at),
       updated_at = excluded.updated_at`,
    [
      workspaceId,
      address.toLowerCase(),
      status === 'bounced' && hard ? 1 : 0,
      status === 'bounced' && !hard ? 1 : 0,
      status === 'complained' ? 1 : 0,
      reason,
      status === 'bounced' && hard && threshold <= 1 ? now : null,
      status === 'complained' ? now : null,
      now,
      threshold,
    ],
  );
}
