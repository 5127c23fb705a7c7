/**
 * Data subjects: a contact or a member (user) of the workspace, named by id or found by any of
 * their addresses. Resolution and the identifying strings (addresses, names, phone numbers)
 * are read here, in the workspace's transaction, and never stored by the plugin.
 */
import { errors, type PersonalDataSubject } from '@novumdesk/core';
import { sqlOf, textArray, type Scope } from './db.js';

export type SubjectKind = 'contact' | 'user';
export interface SubjectId {
  kind: SubjectKind;
  id: string;
}
export type SubjectInput = SubjectId | { email: string };

/** The subject named by id (404 when not in the workspace) or by an address (contact first). */
export async function resolveSubject(
  scope: Scope,
  workspaceId: string,
  input: SubjectInput,
): Promise<SubjectId> {
  const sql = sqlOf(scope);
  if ('email' in input) {
    const email = input.email.trim().toLowerCase();
    const [contact] = await sql(
      `select contact_id as id from contact_email where workspace_id = ? and email = ? limit 1`,
      [workspaceId, email],
    );
    if (contact) return { kind: 'contact', id: contact.id as string };
    const [user] = await sql(
      `select u.id from user_account u join membership m on m.user_id = u.id and m.workspace_id = ?
        where lower(u.email) = ? limit 1`,
      [workspaceId, email],
    );
    if (user) return { kind: 'user', id: user.id as string };
    throw errors.notFound('Data subject', { email: 'no contact or member with this address' });
  }
  const exists =
    input.kind === 'contact'
      ? await sql(`select id from contact where workspace_id = ? and id = ?`, [
          workspaceId,
          input.id,
        ])
      : await sql(`select user_id as id from membership where workspace_id = ? and user_id = ?`, [
          workspaceId,
          input.id,
        ]);
  if (exists.length === 0) throw errors.notFound('Data subject', { id: input.id });
  return { kind: input.kind, id: input.id };
}

/** The subject as the personal-data handlers take it, with every identifying string known. */
export async function loadSubject(
  scope: Scope,
  workspaceId: string,
  subject: SubjectId,
): Promise<PersonalDataSubject & { name: string | null }> {
  const sql = sqlOf(scope);
  if (subject.kind === 'contact') {
    const [row] = await sql(`select name, phones from contact where workspace_id = ? and id = ?`, [
      workspaceId,
      subject.id,
    ]);
    const emails = await sql(
      `select email from contact_email where workspace_id = ? and contact_id = ? order by email`,
      [workspaceId, subject.id],
    );
    const name = (row?.name as string | null) ?? null;
    const phones = (row?.phones as string[] | undefined) ?? [];
    return {
      kind: 'contact',
      id: subject.id,
      workspaceId,
      emails: emails.map((e) => e.email as string),
      identifiers: [...(name ? [name] : []), ...phones],
      name,
    };
  }
  const [user] = await sql(
    `select u.email, u.display_name from user_account u
       join membership m on m.user_id = u.id and m.workspace_id = ? where u.id = ?`,
    [workspaceId, subject.id],
  );
  const name = (user?.display_name as string | null) ?? null;
  return {
    kind: 'user',
    id: subject.id,
    workspaceId,
    emails: user?.email ? [String(user.email).toLowerCase()] : [],
    identifiers: name ? [name] : [],
    name,
  };
}

/** Contacts of the workspace holding one of `emails` (a user subject may also be a contact). */
export async function contactIdsByEmail(
  scope: Scope,
  workspaceId: string,
  emails: readonly string[],
): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await sqlOf(scope)(
    `select distinct contact_id from contact_email where workspace_id = ? and email = any(?::text[])`,
    [workspaceId, textArray(emails.map((e) => e.toLowerCase()))],
  );
  return rows.map((r) => r.contact_id as string);
}
