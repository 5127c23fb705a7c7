/**
 * The identity module's part of a data-subject request (ARCHITECTURE §7) for a user in one
 * workspace. Export: profile, membership and role, sessions, API keys they created (metadata,
 * never hashes). Erase: the membership and everything hanging off it in that workspace; when it
 * was their last workspace, the account itself is anonymised (the row stays so security events
 * keep a pseudonymous id to point at, PRV-14) and its tokens and stored mail are deleted.
 * The avatar belongs to the account: the export names its storage key and content type (not the
 * bytes), and the file is deleted from storage with the account's anonymisation.
 */
import type { AwilixContainer } from 'awilix';
import type {
  PersonalDataHandlers,
  PersonalDataSubject,
  RequestCradle,
} from '../kernel/contract.js';
import { inIdentityContext, textArray } from './db.js';

export const identityPersonalData: PersonalDataHandlers = {
  entities: {
    User: ['email', 'displayName', 'avatarFile', 'timeZone', 'language'],
    Membership: ['userId'],
    TeamMember: ['userId'],
    Invitation: ['email'],
    ApiKey: ['createdBy'],
    AuthSession: ['ip', 'userAgent'],
    ActionToken: ['email'],
    AuditEvent: ['actorId', 'ip', 'userAgent'],
    MailMessage: ['to', 'subject', 'text', 'html'],
  },

  async export(subject: PersonalDataSubject, scope: AwilixContainer<RequestCradle>) {
    if (subject.kind !== 'user') return {};
    const context = { userId: subject.id, workspaceId: subject.workspaceId };
    return inIdentityContext(scope.cradle.em, context, async (sql) => {
      const [user] = await sql(
        `select id, email, display_name, avatar_file, time_zone, language, email_verified_at,
                disabled_at, terms_version, terms_accepted_at, age_attested_at, age_attestation, created_at
           from user_account where id = ?`,
        [subject.id],
      );
      const roles = await sql(
        `select r.id, r.key, r.name, r.permissions, m.created_at as member_since
           from membership m join role r on r.id = m.role_id
          where m.user_id = ? and m.workspace_id = ?`,
        [subject.id, subject.workspaceId],
      );
      const sessions = await sql(
        `select id, kind, created_at, last_used_at, expires_at, revoked_at, ip, user_agent
           from auth_session where user_id = ? and workspace_id = ? order by created_at`,
        [subject.id, subject.workspaceId],
      );
      const apiKeys = await sql(
        `select id, name, prefix, permissions, created_at, last_used_at, revoked_at, expires_at
           from api_key where created_by = ? and workspace_id = ?`,
        [subject.id, subject.workspaceId],
      );
      const avatar = user?.avatar_file
        ? {
            key: user.avatar_file as string,
            contentType: (await scope.cradle.storage.get(user.avatar_file))?.contentType ?? null,
          }
        : null;
      return { user: user ?? null, avatar, roles, sessions, apiKeys };
    });
  },

  async erase(subject: PersonalDataSubject, scope: AwilixContainer<RequestCradle>) {
    if (subject.kind !== 'user') return { erased: 0 };
    const context = { userId: subject.id, workspaceId: subject.workspaceId };
    const now = scope.cradle.clock.now();
    let avatarFile: string | null = null;
    const result = await inIdentityContext(scope.cradle.em, context, async (sql) => {
      let erased = 0;
      const count = async (text: string, params: unknown[]) =>
        (erased += (await sql(text, params)).length);
      await count(`delete from auth_session where user_id = ? and workspace_id = ? returning id`, [
        subject.id,
        subject.workspaceId,
      ]);
      await count(
        `update api_key set created_by = null where created_by = ? and workspace_id = ? returning id`,
        [subject.id, subject.workspaceId],
      );
      await count(
        `update audit_event set ip = null, user_agent = null
          where actor_id = ? and workspace_id = ? and (ip is not null or user_agent is not null) returning id`,
        [subject.id, subject.workspaceId],
      );
      await count(`delete from invitation where email = any(?::text[]) returning id`, [
        textArray(subject.emails),
      ]);
      await count(`delete from membership where user_id = ? and workspace_id = ? returning id`, [
        subject.id,
        subject.workspaceId,
      ]);
      const [left] = await sql(`select count(*)::int as n from membership where user_id = ?`, [
        subject.id,
      ]);
      if (Number(left?.n ?? 0) > 0)
        return { erased, kept: ['user account (member of other workspaces)'] };
      const [user] = await sql(`select email, avatar_file from user_account where id = ?`, [
        subject.id,
      ]);
      avatarFile = (user?.avatar_file as string | null | undefined) ?? null;
      await count(`delete from action_token where user_id = ? returning id`, [subject.id]);
      await count(`delete from refresh_token where user_id = ? returning id`, [subject.id]);
      await count(`delete from auth_session where user_id = ? returning id`, [subject.id]);
      if (user)
        await count(`delete from mail_message where to_address = ? returning id`, [user.email]);
      await count(
        `update user_account set email = ?, display_name = 'Former user', avatar_file = null,
                password_hash = '!', disabled_at = coalesce(disabled_at, ?)
          where id = ? returning id`,
        [`erased-${subject.id}@invalid`, now, subject.id],
      );
      return { erased, kept: ['security events (pseudonymous user id)'] };
    });
    // After the row no longer points at it: a failure here leaves an orphan file, not a reference.
    if (avatarFile) {
      await scope.cradle.storage.delete(avatarFile);
      result.erased += 1;
    }
    return result;
  },
};
