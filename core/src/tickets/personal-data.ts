/**
 * Personal data in tickets (ARCHITECTURE §7): a contact subject's tickets (as requester) and the
 * messages they wrote; a user subject's messages and notes. Erasure replaces the bodies a
 * contact wrote, and the subjects of the tickets they requested, with `[erased]`; tickets,
 * timelines and agents' replies stay (business records, which may quote the contact).
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
    const messages = await sql(
      `select id, ticket_id as "ticketId", kind, direction, body_text as "bodyText", created_at as "createdAt"
         from ticket_message
        where workspace_id = ? and (author_contact_id = any(?::uuid[]) or author_user_id = ?)
        order by created_at, id`,
      [subject.workspaceId, ids, subject.kind === 'user' ? subject.id : NONE],
    );
    return { tickets, ticketMessages: messages };
  },
  async erase(subject, scope) {
    const sql = sqlFor(scope.cradle.em);
    const ids = textArray(await subjectContactIds(sql, subject));
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
    return {
      erased: messages.length + tickets.length,
      kept: ['ticket structure and timelines', "agents' replies and notes (business records)"],
    };
  },
};
