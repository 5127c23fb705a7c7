/**
 * `channelInbound` (root container): how channel plugins turn a normalized inbound message into a
 * ticket or a follow-up, read an inbox with its decrypted settings, and create inboxes. Everything
 * runs in the caller's workspace transaction.
 */
import type { AwilixContainer } from 'awilix';
import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  ChannelInbound,
  ChannelInboundMessage,
  ChannelInboundResult,
  ChannelInboxRecord,
  ChannelProviderDeclaration,
  RequestCradle,
} from '../kernel/contract.js';
import type { ResolvedConfig } from '../kernel/config/schema.js';
import type { Clock } from '../kernel/clock.js';
import { sqlFor, type Row, type Sql } from '../identity/db.js';
import { errors } from '../kernel/errors.js';
import { findOrCreateContactByEmail } from '../contacts/contacts.js';
import { insertEvent, insertMessage, insertTicket, updateTicket } from '../tickets/tickets.js';
import { hookContext } from '../tickets/compose.js';
import { MAX_HTML_CHARS, sanitizeHtml } from '../tickets/html.js';
import '../attachments/attachments.js';
import { inboxRow, insertInbox, parseSettings, providerFor, storedSettings } from './inboxes.js';
import { openSecrets, sealSecrets, settingsKey } from './secrets.js';
import '../tickets/events.js';

const SYSTEM = { kind: 'system' as const, id: 'channel' };

export function recordOf(row: Row, key: Buffer): ChannelInboxRecord {
  return {
    id: row.id,
    channelType: row.channel_type,
    name: row.name,
    enabled: row.enabled,
    settings: openSecrets(storedSettings(row), key),
  };
}

export class ChannelInboundService implements ChannelInbound {
  private readonly key: Buffer;

  constructor(
    private readonly deps: {
      config: ResolvedConfig;
      clock: Clock;
      channelProviders: ReadonlyMap<string, ChannelProviderDeclaration>;
    },
  ) {
    this.key = settingsKey(deps.config.secret);
  }

  get settingsKey(): Buffer {
    return this.key;
  }

  async inbox(
    em: EntityManager,
    workspaceId: string,
    inboxId: string,
  ): Promise<ChannelInboxRecord | null> {
    const row = await inboxRow(sqlFor(em), workspaceId, inboxId);
    return row ? recordOf(row, this.key) : null;
  }

  async createInbox(
    em: EntityManager,
    workspaceId: string,
    input: { channelType: string; name: string; settings: Record<string, unknown> },
  ): Promise<ChannelInboxRecord> {
    const declaration = providerFor(this.deps.channelProviders, input.channelType);
    const settings = parseSettings(declaration, input.settings);
    const sql = sqlFor(em);
    const view = await insertInbox(
      sql,
      workspaceId,
      {
        channelType: input.channelType,
        name: input.name,
        settings: sealSecrets(settings, declaration.provider.secrets ?? [], this.key),
        enabled: true,
      },
      this.deps.clock.now(),
    );
    const record = { ...view, settings };
    await declaration.provider.inboxChanged?.({ action: 'saved', inbox: record, workspaceId, em });
    return record;
  }

  async receive(
    scope: AwilixContainer<RequestCradle>,
    workspaceId: string,
    message: ChannelInboundMessage,
  ): Promise<ChannelInboundResult> {
    const { em, events, hooks, requestId } = scope.cradle;
    const sql = sqlFor(em);
    const now = this.deps.clock.now();
    const inbox = await inboxRow(sql, workspaceId, message.inboxId);
    if (!inbox) throw errors.notFound('Inbox');
    const record = { workspaceId, actor: SYSTEM, requestId };
    const contact = await findOrCreateContactByEmail(
      em,
      workspaceId,
      message.from.email,
      message.from.name ?? null,
      { events, actor: SYSTEM, requestId },
    );
    const automatic = message.automatic === true;
    let ticketId = message.ticketId
      ? await this.joinable(sql, workspaceId, message.ticketId)
      : null;
    let text = message.text;
    if (ticketId) {
      const [ticket] = await sql(
        `select status from ticket where workspace_id = ? and id = ? for update`,
        [workspaceId, ticketId],
      );
      if (ticket?.status === 'solved' && !automatic) {
        await updateTicket(sql, workspaceId, ticketId, { status: 'open' }, SYSTEM, now);
        events.record(em, 'ticket.updated', { ticketId }, record);
      }
    } else {
      const draft = await hooks['ticket.beforeCreate'].promise(
        {
          subject: message.subject.trim() || '(no subject)',
          requesterId: contact.id,
          priority: 'normal',
          type: null,
          tags: [...(message.tags ?? [])],
          body: message.text,
        },
        hookContext(scope, SYSTEM),
      );
      text = draft.body;
      ticketId = await insertTicket(
        sql,
        workspaceId,
        { ...draft, via: { channel: inbox.channel_type, inboxId: inbox.id } },
        now,
      );
      await insertEvent(
        sql,
        workspaceId,
        ticketId,
        SYSTEM,
        'created',
        { via: inbox.channel_type, inboxId: inbox.id },
        now,
      );
      events.record(em, 'ticket.created', { ticketId }, record);
    }
    const created = await insertMessage(
      sql,
      workspaceId,
      ticketId,
      {
        kind: 'reply',
        direction: 'inbound',
        authorUserId: null,
        authorContactId: contact.id,
        body: text,
      },
      now,
    );
    const attachmentIds = await this.storeAttachments(scope, workspaceId, created.id, message);
    if (message.html) {
      const byCid = new Map<string, string>();
      (message.attachments ?? []).forEach((file, i) => {
        const id = attachmentIds[i];
        if (file.contentId && id) byCid.set(file.contentId.toLowerCase(), id);
      });
      // Inline images: `cid:<Content-ID>` becomes `cid:<attachment id>`, which the sanitizer
      // keeps and clients resolve against the message's attachments.
      const linked = message.html.replace(/(["'])cid:([^"']+)\1/gi, (whole, quote, cid: string) => {
        const id = byCid.get(cid.trim().toLowerCase());
        return id ? `${quote}cid:${id}${quote}` : whole;
      });
      const html = sanitizeHtml(
        linked.length > MAX_HTML_CHARS ? linked.slice(0, MAX_HTML_CHARS) : linked,
      );
      await sql(`update ticket_message set body_html = ? where workspace_id = ? and id = ?`, [
        html,
        workspaceId,
        created.id,
      ]);
    }
    if (automatic) {
      await insertEvent(
        sql,
        workspaceId,
        ticketId,
        SYSTEM,
        'automatic_message',
        { messageId: created.id },
        now,
      );
    }
    if (message.ticketId === ticketId) {
      await sql(`update ticket set updated_at = ? where workspace_id = ? and id = ?`, [
        now,
        workspaceId,
        ticketId,
      ]);
    }
    events.record(em, 'message.created', { ticketId, messageId: created.id }, record);
    return {
      ticketId,
      messageId: created.id,
      contactId: contact.id,
      outcome: message.ticketId === ticketId ? 'appended' : 'created',
      attachmentIds,
    };
  }

  /** Stores and attaches the files the limits allow; the rest are left out (null ids). */
  private async storeAttachments(
    scope: AwilixContainer<RequestCradle>,
    workspaceId: string,
    messageId: string,
    message: ChannelInboundMessage,
  ): Promise<(string | null)[]> {
    const files = message.attachments ?? [];
    if (files.length === 0) return [];
    const { attachments, clock } = scope.cradle;
    const { maxBytes, maxPerMessage } = attachments.options;
    const ids: (string | null)[] = [];
    let kept = 0;
    for (const file of files) {
      if (file.data.length === 0 || file.data.length > maxBytes || kept >= maxPerMessage) {
        ids.push(null);
        continue;
      }
      const stored = await attachments.store(scope, workspaceId, {
        filename: file.filename,
        data: file.data,
        uploadedBy: null,
      });
      ids.push(stored.id);
      kept++;
    }
    const keptIds = ids.filter((id): id is string => id !== null);
    await attachments.attach(sqlFor(scope.cradle.em), workspaceId, messageId, keptIds, clock.now());
    return ids;
  }

  /** The ticket a follow-up joins: it exists and is not closed (closed means a new ticket). */
  private async joinable(sql: Sql, workspaceId: string, id: string): Promise<string | null> {
    const rows = await sql(`select status from ticket where workspace_id = ? and id = ?`, [
      workspaceId,
      id,
    ]);
    return rows[0] && rows[0].status !== 'closed' ? id : null;
  }
}
