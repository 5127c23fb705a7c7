/**
 * The plugin's answer to `processing.isAllowed` (the core's `isProcessingAllowed`): a restricted
 * subject's data is used for nothing but the service itself, an objection turns a purpose off,
 * a suppressed address gets no marketing, and purposes that need consent follow the latest
 * entry of the consent ledger.
 */
import { withWorkspace, type HookContext, type ProcessingQuery } from '@novumdesk/core';
import { addressHash, sqlFor, textArray, type Sql } from './db.js';

/** Purposes a restriction does not stop: running the service the subject asked for, security. */
export const ESSENTIAL_PURPOSES: readonly string[] = ['service', 'security', 'legal'];

interface Subjects {
  contactIds: string[];
  userIds: string[];
  email: string | null;
}

async function subjectsOf(sql: Sql, query: ProcessingQuery): Promise<Subjects> {
  if (!('email' in query.subject)) {
    const { kind, id } = query.subject;
    return kind === 'contact'
      ? { contactIds: [id], userIds: [], email: null }
      : { contactIds: [], userIds: [id], email: null };
  }
  const email = query.subject.email.trim().toLowerCase();
  const contacts = await sql(
    `select contact_id from contact_email where workspace_id = ? and email = ?`,
    [query.workspaceId, email],
  );
  const users = await sql(
    `select u.id from user_account u join membership m on m.user_id = u.id and m.workspace_id = ?
      where lower(u.email) = ?`,
    [query.workspaceId, email],
  );
  return {
    contactIds: contacts.map((r) => r.contact_id as string),
    userIds: users.map((r) => r.id as string),
    email,
  };
}

/** Matches the rows of a `(subject_kind, subject_id)` table for the subjects found. */
const SUBJECT_MATCH = `((subject_kind = 'contact' and subject_id = any(?::uuid[]))
  or (subject_kind = 'user' and subject_id = any(?::uuid[])))`;

export async function decide(
  sql: Sql,
  secret: string,
  query: ProcessingQuery,
): Promise<boolean | undefined> {
  const subjects = await subjectsOf(sql, query);
  const ids = [query.workspaceId, textArray(subjects.contactIds), textArray(subjects.userIds)];
  const any = subjects.contactIds.length + subjects.userIds.length > 0;
  if (any && !ESSENTIAL_PURPOSES.includes(query.purpose)) {
    const restricted = await sql(
      `select 1 from privacy_restriction where workspace_id = ? and ${SUBJECT_MATCH} limit 1`,
      ids,
    );
    if (restricted.length > 0) return false;
    const objected = await sql(
      `select 1 from privacy_objection where workspace_id = ? and ${SUBJECT_MATCH} and purpose = ? limit 1`,
      [...ids, query.purpose],
    );
    if (objected.length > 0) return false;
  }
  if (subjects.email && query.purpose === 'marketing') {
    const suppressed = await sql(
      `select 1 from privacy_suppression where workspace_id = ? and address_hash = ?`,
      [query.workspaceId, addressHash(secret, query.workspaceId, subjects.email)],
    );
    if (suppressed.length > 0) return false;
  }
  if (query.requiresConsent && any) {
    // The newest ledger entry that speaks about the purpose: a consent for the purpose itself,
    // or a cookie choice (whose categories either include the purpose or, newer, no longer do).
    const [latest] = await sql(
      `select kind, granted, categories from privacy_consent
        where workspace_id = ? and ${SUBJECT_MATCH}
          and ((kind = 'purpose' and purpose = ?) or kind = 'cookies')
        order by occurred_at desc, id desc limit 1`,
      [...ids, query.purpose],
    );
    if (latest) {
      if (latest.kind === 'purpose') return latest.granted === true;
      return latest.granted === true && (latest.categories as string[]).includes(query.purpose);
    }
  }
  return undefined;
}

/** The `processing.isAllowed` tap: runs in the query's workspace, in the caller's transaction. */
export function processingTap() {
  return (query: ProcessingQuery, ctx: HookContext) =>
    withWorkspace(ctx.em, query.workspaceId, (tx) =>
      decide(sqlFor(tx), ctx.scope.cradle.config.secret, query),
    );
}
