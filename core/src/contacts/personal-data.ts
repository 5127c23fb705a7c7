/**
 * Personal data in contacts (ARCHITECTURE §7): a subject's contacts are the contact itself
 * (`kind: 'contact'`) and every contact of the workspace holding one of the subject's emails.
 * Erasure anonymizes (the row stays for the tickets that reference it); restriction stamps
 * `restricted_at`.
 */
import type { PersonalDataHandlers, PersonalDataSubject } from '../kernel/contract.js';
import { sqlFor, textArray, type Sql } from '../identity/db.js';
import { getContact, normalizeEmail } from './contacts.js';

async function subjectContactIds(sql: Sql, subject: PersonalDataSubject): Promise<string[]> {
  const emails = subject.emails.map(normalizeEmail);
  const rows = await sql(
    `select id from contact where workspace_id = ? and id = ?
     union
     select contact_id from contact_email where workspace_id = ? and email = any(?::text[])`,
    [
      subject.workspaceId,
      subject.kind === 'contact' ? subject.id : '00000000-0000-0000-0000-000000000000',
      subject.workspaceId,
      textArray(emails),
    ],
  );
  return rows.map((row) => row.id as string);
}

export const contactsPersonalData: PersonalDataHandlers = {
  entities: {
    Contact: ['name', 'phones', 'customAttributes'],
    ContactEmail: ['email'],
    ContactImport: ['source'],
  },
  async export(subject, scope) {
    const sql = sqlFor(scope.cradle.em);
    const ids = await subjectContactIds(sql, subject);
    const contacts = [];
    for (const id of ids) contacts.push(await getContact(sql, subject.workspaceId, id));
    return { contacts };
  },
  async erase(subject, scope) {
    const sql = sqlFor(scope.cradle.em);
    const ids = await subjectContactIds(sql, subject);
    const now = scope.cradle.clock.now();
    for (const id of ids) {
      await sql(`delete from contact_email where workspace_id = ? and contact_id = ?`, [
        subject.workspaceId,
        id,
      ]);
      await sql(
        `update contact set name = null, phones = '{}', custom_attributes = '{}', updated_at = ?
          where workspace_id = ? and id = ?`,
        [now, subject.workspaceId, id],
      );
    }
    // Import files are cleared when an import completes; pending ones may name the subject.
    return { erased: ids.length, kept: ['contact_import.source of imports still running'] };
  },
  async rectify(subject, changes, scope) {
    const sql = sqlFor(scope.cradle.em);
    const ids = await subjectContactIds(sql, subject);
    const now = scope.cradle.clock.now();
    let changed = 0;
    for (const id of ids) {
      if (changes.name !== undefined) {
        changed += (
          await sql(
            `update contact set name = ?, updated_at = ? where workspace_id = ? and id = ? returning id`,
            [changes.name, now, subject.workspaceId, id],
          )
        ).length;
      }
      if (changes.email) {
        // The corrected address replaces the wrong one, unless another contact already has it.
        changed += (
          await sql(
            `update contact_email set email = ? where workspace_id = ? and contact_id = ? and email = ?
               and not exists (select 1 from contact_email where workspace_id = ? and email = ?)
             returning email`,
            [
              normalizeEmail(changes.email.to),
              subject.workspaceId,
              id,
              normalizeEmail(changes.email.from),
              subject.workspaceId,
              normalizeEmail(changes.email.to),
            ],
          )
        ).length;
      }
    }
    return { changed };
  },
  async restrict(subject, restricted, scope) {
    const sql = sqlFor(scope.cradle.em);
    const ids = await subjectContactIds(sql, subject);
    const now = scope.cradle.clock.now();
    for (const id of ids) {
      await sql(
        `update contact set restricted_at = ?, updated_at = ? where workspace_id = ? and id = ?`,
        [restricted ? now : null, now, subject.workspaceId, id],
      );
    }
  },
};
