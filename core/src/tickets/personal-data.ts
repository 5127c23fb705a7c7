/**
 * Personal data in tickets (ARCHITECTURE §7): a contact subject's tickets (as requester) and the
 * messages they wrote, with their attachments; a user subject's messages, notes and drafts.
 * Erasure replaces the bodies a contact wrote, and the subjects of the tickets they requested,
 * with `[erased]`, and deletes the files attached to the contact's messages (rows and stored
 * bytes); a user's drafts are deleted. Tickets, timelines and agents' replies stay (business
 * records, which may quote the contact).
 */
import type { PersonalDataHandlers, PersonalDataSubject } from '../kernel/contract.js';
import { sqlFor, textArray, type Sql } from '../identity/db.js';
import { normalizeEmail } from '../contacts/contacts.js';
import { getTicket } from './tickets.js';

const NONE = '00000000-0000-0000-0000-000000000000';
export const ERASED = '[erased]';

async function subjectContactIds(sql: Sql, subject: PersonalDataSubject): Promise<string[]> {
  const rows = await sql(
    `select id from contact where workspace_id = ? and id = ?
     union
     select contact_id from contact_email where workspace_id = ? and email = any(?::text[])`,
    [
      subject.workspaceId,
      subject.kind === 'contact' ? subject.id : NONE,
      subject.workspaceId,
      textArray(subject.emails.map(normalizeEmail)),
    ],
  );
  return rows.map((row) => row.id as string);
}

export const ticketsPersonalData: PersonalDataHandlers = {
  entities: {
    Ticket: ['subject'],
    TicketMessage: ['bodyText', 'bodyHtml'],
    Attachment: ['filename', 'storageKey'],
  },
  async export(subject, scope) {
    const sql = sqlFor(scope.cradle.em);
    const contactIds = await subjectContactIds(sql, subject);
    const ids = textArray(contactIds);
    const ticketRows = await sql(
      `select id from ticket where workspace_id = ? and requester_id = any(?::uuid[])
        order by created_at, id`,
      [subject.workspaceId, ids],
    );
    const tickets = [];
    for (const row of ticketRows) tickets.push(await getTicket(sql, subject.workspaceId, row.id));
    // Messages they wrote, and every message of the tickets they requested; internal notes are
    // flagged `internal` for review under GDPR Art. 15(4) before the package is handed over.
    const messages = await sql(
      `select id, ticket_id as "ticketId", kind, direction, body_text as "bodyText",
              (kind = 'note') as internal, created_at as "createdAt"
         from ticket_message
        where workspace_id = ? and (author_contact_id = any(?::uuid[]) or author_user_id = ?
              or ticket_id in (select t.id from ticket t
                                where t.workspace_id = ? and t.requester_id = any(?::uuid[])))
        order by created_at, id`,
      [
        subject.workspaceId,
        ids,
        subject.kind === 'user' ? subject.id : NONE,
        subject.workspaceId,
        ids,
      ],
    );
    const attachments = await sql(
      `select a.id, a.message_id as "messageId", a.filename, a.content_type as "contentType",
              a.size, a.created_at as "createdAt"
         from attachment a join ticket_message m
           on m.workspace_id = a.workspace_id and m.id = a.message_id
        where a.workspace_id = ? and m.author_contact_id = any(?::uuid[])
        order by a.created_at, a.id`,
      [subject.workspaceId, ids],
    );
    const drafts = await sql(
      `select ticket_id as "ticketId", kind, body, body_html as "bodyHtml", updated_at as "updatedAt"
         from ticket_draft where workspace_id = ? and user_id = ? order by updated_at`,
      [subject.workspaceId, subject.kind === 'user' ? subject.id : NONE],
    );
    return { tickets, ticketMessages: messages, attachments, drafts };
  },
  async exportFiles(subject, scope) {
    const sql = sqlFor(scope.cradle.em);
    const ids = textArray(await subjectContactIds(sql, subject));
    // The files of the messages the export lists: theirs, and those on their tickets.
    const rows = await sql(
      `select a.id, a.filename, a.content_type, a.storage_key
         from attachment a join ticket_message m
           on m.workspace_id = a.workspace_id and m.id = a.message_id
        where a.workspace_id = ? and (m.author_contact_id = any(?::uuid[]) or m.author_user_id = ?
              or m.ticket_id in (select t.id from ticket t
                                  where t.workspace_id = ? and t.requester_id = any(?::uuid[])))
        order by a.created_at, a.id`,
      [
        subject.workspaceId,
        ids,
        subject.kind === 'user' ? subject.id : NONE,
        subject.workspaceId,
        ids,
      ],
    );
    return rows.map((row) => ({
      path: `attachments/${row.id as string}/${row.filename as string}`,
      contentType: row.content_type as string,
      storageKey: row.storage_key as string,
    }));
  },
  async erase(subject, scope, options) {
    const sql = sqlFor(scope.cradle.em);
    const contactIds = await subjectContactIds(sql, subject);
    const ids = textArray(contactIds);
    // Files of the subject's messages (and, when their tickets go, of every message on them).
    const files = await sql(
      `delete from attachment a using ticket_message m
        where a.workspace_id = ? and m.workspace_id = a.workspace_id and m.id = a.message_id
          and (m.author_contact_id = any(?::uuid[])
               or (? and m.ticket_id in (select t.id from ticket t
                     where t.workspace_id = ? and t.requester_id = any(?::uuid[]))))
       returning a.storage_key`,
      [subject.workspaceId, ids, options?.method === 'delete', subject.workspaceId, ids],
    );
    let removed = 0;
    if (options?.method === 'delete' && contactIds.length > 0) {
      // Tickets the subject requested go entirely (messages and timeline cascade).
      removed = (
        await sql(
          `delete from ticket where workspace_id = ? and requester_id = any(?::uuid[]) returning id`,
          [subject.workspaceId, ids],
        )
      ).length;
    }
    const redacted = await redactIdentifiers(sql, subject);
    if (subject.kind === 'user') {
      // Their replies and notes stay, authored by nobody: shown as a former agent.
      await sql(
        `update ticket_message set author_user_id = null where workspace_id = ? and author_user_id = ?`,
        [subject.workspaceId, subject.id],
      );
    }
    const messages = await sql(
      `update ticket_message set body_text = ?, body_html = null
        where workspace_id = ? and author_contact_id = any(?::uuid[]) returning id`,
      [ERASED, subject.workspaceId, ids],
    );
    const tickets = await sql(
      `update ticket set subject = ? where workspace_id = ? and requester_id = any(?::uuid[])
       returning id`,
      [ERASED, subject.workspaceId, ids],
    );
    const drafts = await sql(
      `delete from ticket_draft where workspace_id = ? and user_id = ? returning 1`,
      [subject.workspaceId, subject.kind === 'user' ? subject.id : NONE],
    );
    // The bytes go once the rows are gone (a failed delete leaves an unreferenced file).
    const { storage, logger } = scope.cradle;
    for (const file of files) {
      await storage.delete(file.storage_key as string).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not delete an erased attachment file');
      });
    }
    return {
      erased: removed + redacted + messages.length + tickets.length + files.length + drafts.length,
      kept: [
        'ticket structure and timelines',
        "agents' replies and notes (business records), with the subject's identifiers redacted",
      ],
    };
  },
};

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces the subject's addresses, name and phone numbers with `[erased]` wherever they appear
 * in the workspace's tickets: subjects, message bodies (other requesters' tickets included),
 * timeline data and the channel metadata (`via`).
 */
async function redactIdentifiers(sql: Sql, subject: PersonalDataSubject): Promise<number> {
  const identifiers = [...new Set([...subject.emails, ...(subject.identifiers ?? [])])].filter(
    (value) => value.trim().length >= 3,
  );
  if (identifiers.length === 0) return 0;
  const pattern = identifiers.map(escapeRegex).join('|');
  const ws = subject.workspaceId;
  let count = 0;
  count += (
    await sql(
      `update ticket_message set body_text = regexp_replace(body_text, ?, ?, 'gi'),
              body_html = regexp_replace(body_html, ?, ?, 'gi')
        where workspace_id = ? and (body_text ~* ? or body_html ~* ?) returning id`,
      [pattern, ERASED, pattern, ERASED, ws, pattern, pattern],
    )
  ).length;
  count += (
    await sql(
      `update ticket set subject = regexp_replace(subject, ?, ?, 'gi'),
              via = regexp_replace(via::text, ?, ?, 'gi')::jsonb,
              custom_fields = regexp_replace(custom_fields::text, ?, ?, 'gi')::jsonb
        where workspace_id = ? and (subject ~* ? or via::text ~* ? or custom_fields::text ~* ?)
        returning id`,
      [pattern, ERASED, pattern, ERASED, pattern, ERASED, ws, pattern, pattern, pattern],
    )
  ).length;
  count += (
    await sql(
      `update attachment set filename = regexp_replace(filename, ?, ?, 'gi')
        where workspace_id = ? and filename ~* ? returning id`,
      [pattern, ERASED, ws, pattern],
    )
  ).length;
  count += (
    await sql(
      `update ticket_event set data = regexp_replace(data::text, ?, ?, 'gi')::jsonb
        where workspace_id = ? and data::text ~* ? returning id`,
      [pattern, ERASED, ws, pattern],
    )
  ).length;
  return count;
}
