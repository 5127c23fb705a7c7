/**
 * Outbound dispatch and delivery history.
 *
 * When an agent's public reply is stored (`message.created`, outbound), the `inboxes.dispatch`
 * subscriber (job queue, after commit) hands it to the provider of the ticket's `via` inbox, if
 * that provider can send, and records what it answers as delivery events: `queued` first, then
 * `sent` / `captured` / `failed` when the provider answers at once; a provider that answers
 * `queued` reports later through `deliveryEvents.record()` (the email plugin: relay accepted,
 * DSNs, bounces, complaints). A retryable failure throws, so the job queue retries with backoff.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AwilixContainer } from 'awilix';
import type {
  DeliveryEventInput,
  DeliveryEvents,
  DeliveryStatus,
  RequestCradle,
} from '../kernel/contract.js';
import type { EventEnvelope } from '../events/event-bus.js';
import type { Clock } from '../kernel/clock.js';
import { sqlFor, type Row } from '../identity/db.js';
import { iso } from '../members/context.js';
import { insertEvent } from '../tickets/tickets.js';
import { inboxRow, storedSettings } from './inboxes.js';
import { openSecrets, settingsKey } from './secrets.js';

/** A later event replaces the message's status unless it ranks lower (a late `sent` after a bounce). */
const RANK: Record<DeliveryStatus, number> = {
  queued: 0,
  captured: 1,
  sent: 2,
  deferred: 2,
  delivered: 3,
  failed: 3,
  bounced: 4,
  complained: 4,
};

/** Events that also go on the ticket's timeline (people must see them). */
const ON_TIMELINE: readonly DeliveryStatus[] = ['bounced', 'complained', 'failed'];

export class DeliveryEventsService implements DeliveryEvents {
  constructor(private readonly deps: { clock: Clock }) {}

  async record(em: EntityManager, workspaceId: string, event: DeliveryEventInput): Promise<void> {
    const sql = sqlFor(em);
    const [message] = await sql(
      `select ticket_id, delivery_status from ticket_message
        where workspace_id = ? and id = ? for update`,
      [workspaceId, event.messageId],
    );
    if (!message) return;
    const now = this.deps.clock.now();
    await sql(
      `insert into message_delivery_event (id, workspace_id, ticket_id, message_id, status,
                                           recipient, hard, reason, detail, source, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        uuidv7(),
        workspaceId,
        message.ticket_id,
        event.messageId,
        event.status,
        event.recipient ?? null,
        event.hard ?? null,
        event.reason ?? null,
        event.detail ? event.detail.slice(0, 2000) : null,
        event.source ?? null,
        now,
      ],
    );
    const current = message.delivery_status as DeliveryStatus | null;
    if (current === null || RANK[event.status] >= (RANK[current] ?? 0)) {
      await sql(`update ticket_message set delivery_status = ? where workspace_id = ? and id = ?`, [
        event.status,
        workspaceId,
        event.messageId,
      ]);
    }
    if (ON_TIMELINE.includes(event.status)) {
      await insertEvent(
        sql,
        workspaceId,
        message.ticket_id,
        { kind: 'system', id: 'delivery' },
        `delivery_${event.status}`,
        {
          messageId: event.messageId,
          recipient: event.recipient ?? null,
          hard: event.hard ?? null,
          reason: event.reason ?? null,
        },
        now,
      );
    }
  }
}

export interface DeliveryEventView {
  id: string;
  status: DeliveryStatus;
  recipient: string | null;
  hard: boolean | null;
  reason: string | null;
  detail: string | null;
  source: string | null;
  createdAt: string;
}

export const deliveryEventView = (row: Row): DeliveryEventView => ({
  id: row.id,
  status: row.status,
  recipient: row.recipient,
  hard: row.hard,
  reason: row.reason,
  detail: row.detail,
  source: row.source,
  createdAt: iso(row.created_at),
});

/** The `inboxes.dispatch` subscriber of `message.created`. */
export async function dispatchMessage(
  event: EventEnvelope<{ ticketId: string; messageId: string }>,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const workspaceId = event.workspaceId;
  if (!workspaceId) return;
  const { em, channelProviders, deliveryEvents, config } = scope.cradle;
  const sql = sqlFor(em);
  const [row] = await sql(
    `select m.id, m.kind, m.direction, m.body_text, t.id as ticket_id, t.number, t.subject, t.via,
            t.requester_id
       from ticket_message m join ticket t on t.id = m.ticket_id and t.workspace_id = m.workspace_id
      where m.workspace_id = ? and m.id = ?`,
    [workspaceId, event.payload.messageId],
  );
  if (!row || row.kind !== 'reply' || row.direction !== 'outbound') return;
  const via = (typeof row.via === 'string' ? JSON.parse(row.via) : row.via) as {
    inboxId?: string | null;
  };
  if (!via?.inboxId) return;
  // At-least-once delivery of the event: a message is dispatched once.
  const seen = await sql(
    `select 1 from message_delivery_event where workspace_id = ? and message_id = ? limit 1`,
    [workspaceId, row.id],
  );
  if (seen[0]) return;
  const inbox = await inboxRow(sql, workspaceId, via.inboxId);
  const provider = inbox ? channelProviders.get(inbox.channel_type)?.provider : undefined;
  if (!inbox || !provider?.send) return;
  const fail = (reason: string, detail: string) =>
    deliveryEvents.record(em, workspaceId, {
      messageId: row.id,
      status: 'failed',
      reason,
      detail,
      source: 'dispatch',
    });
  if (!inbox.enabled) return fail('inbox_disabled', 'The inbox is disabled');
  const [address] = await sql(
    `select email from contact_email where workspace_id = ? and contact_id = ?
      order by is_primary desc, created_at limit 1`,
    [workspaceId, row.requester_id],
  );
  if (!address) return fail('no_address', 'The requester has no address on this channel');
  const [thread] = await sql(
    `select thread_key from inbox_message_ref
      where workspace_id = ? and ticket_id = ? and thread_key is not null
      order by created_at desc limit 1`,
    [workspaceId, row.ticket_id],
  );
  await deliveryEvents.record(em, workspaceId, {
    messageId: row.id,
    status: 'queued',
    recipient: address.email,
    source: 'dispatch',
  });
  const result = await provider.send(
    {
      inboxId: inbox.id,
      ticketId: row.ticket_id,
      messageId: row.id,
      to: address.email,
      subject: row.subject,
      body: row.body_text,
      threadKey: thread?.thread_key ?? null,
      ticketNumber: row.number,
    },
    {
      workspaceId,
      settings: openSecrets(storedSettings(inbox), settingsKey(config.secret)),
      scope,
    },
  );
  const base = { messageId: row.id, recipient: address.email, source: 'dispatch' };
  switch (result.status) {
    case 'queued':
      return;
    case 'sent':
      return deliveryEvents.record(em, workspaceId, {
        ...base,
        status: 'sent',
        detail: result.externalId ?? null,
      });
    case 'captured':
      return deliveryEvents.record(em, workspaceId, {
        ...base,
        status: 'captured',
        reason: 'not_sent',
        detail: result.reason,
      });
    case 'failed':
      // Thrown: the transaction (and its `queued`) rolls back and the job queue retries.
      if (result.retryable) throw new Error(`channel send failed: ${result.error}`);
      return deliveryEvents.record(em, workspaceId, {
        ...base,
        status: 'failed',
        reason: 'send_error',
        detail: result.error,
      });
  }
}
