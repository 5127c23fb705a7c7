/**
 * Sessions and their refresh tokens (one family per session).
 *
 * A refresh token is 32 random bytes (base64url), stored as its SHA-256, valid for the idle
 * timeout, and spent by use: `rotate` marks it used and issues a child. Presenting a spent token
 * again means two parties hold it. Within `graceSeconds` of its first use that is taken to be
 * the same client racing itself (two tabs, a retried request): it gets a new sibling token and
 * both stay valid — we cannot hand back the first child, whose plain value we never kept.
 * Later, it is taken as theft (ASVS 7.2.4, Auth0's reuse detection): the whole family is
 * revoked, which also ends its access tokens at once (their `sid` is checked on every request),
 * and `authn_token_reuse` is recorded.
 *
 * A session also ends at its absolute lifetime, after the idle timeout without a refresh, when
 * its user is disabled or loses the membership, and on logout or password change.
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import { NovumError } from '../kernel/errors.js';
import type { AuditLog } from './audit.js';
import { inIdentityContext, setIdentityContext, type Sql } from './db.js';
import { sha256Hex } from './keys.js';
import type { TokenService } from './tokens.js';

export interface SessionPolicy {
  absoluteSeconds: number;
  idleSeconds: number;
  graceSeconds: number;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedSession {
  sessionId: string;
  userId: string;
  workspaceId: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
  sessionExpiresAt: Date;
}

export interface SessionRef {
  sessionId: string;
  userId: string;
  workspaceId: string;
}

type Failure =
  'token_invalid' | 'token_expired' | 'session_expired' | 'session_revoked' | 'token_reused';

const FAILURE_DETAIL: Record<Failure, string> = {
  token_invalid: 'The refresh token is not valid',
  token_expired: 'The refresh token has expired',
  session_expired: 'The session has expired; sign in again',
  session_revoked: 'The session has ended; sign in again',
  token_reused: 'The refresh token was already used; the session has been ended for safety',
};

export const refreshFailure = (code: Failure): NovumError =>
  new NovumError(code, FAILURE_DETAIL[code], { status: 401 });

const MAX_USER_AGENT = 512;

export class SessionStore {
  constructor(
    private readonly orm: MikroORM,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly policy: SessionPolicy,
  ) {}

  /** Opens a session for a verified sign-in and returns its first token pair. */
  async start(
    subject: { userId: string; workspaceId: string; kind: 'token' | 'cookie' },
    client: ClientInfo,
  ): Promise<IssuedSession> {
    const now = this.clock.now();
    const sessionId = uuidv7();
    const sessionExpiresAt = this.after(now, this.policy.absoluteSeconds);
    const refresh = await inIdentityContext(
      this.orm,
      { workspaceId: subject.workspaceId, userId: subject.userId },
      async (sql) => {
        await sql(
          `insert into auth_session (id, user_id, workspace_id, kind, created_at, expires_at, last_used_at, ip, user_agent)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            sessionId,
            subject.userId,
            subject.workspaceId,
            subject.kind,
            now,
            sessionExpiresAt,
            now,
            client.ip,
            client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
          ],
        );
        return this.insertToken(sql, { ...subject, sessionId }, null, now, sessionExpiresAt);
      },
    );
    return this.issue({ ...subject, sessionId }, refresh, sessionExpiresAt);
  }

  /** Spends `raw` and returns a new pair, or throws a 401 naming why (see the file comment). */
  async rotate(raw: string): Promise<IssuedSession> {
    const now = this.clock.now();
    const hash = sha256Hex(raw);
    type Outcome =
      | { failure: Failure }
      | { subject: SessionRef; refresh: { raw: string; expiresAt: Date }; sessionExpiresAt: Date };
    const outcome = await inIdentityContext<Outcome>(
      this.orm,
      { credentialHash: hash },
      async (sql, em) => {
        const found = await sql(
          `select id, family_id, user_id, workspace_id from refresh_token where token_hash = ?`,
          [hash],
        );
        const ref = found[0];
        if (!ref) return { failure: 'token_invalid' as const };
        const subject: SessionRef = {
          sessionId: ref.family_id as string,
          userId: ref.user_id as string,
          workspaceId: ref.workspace_id as string,
        };
        // From here on, the user's own rows in that workspace, locked against a racing refresh.
        await setIdentityContext(sql, em, {
          workspaceId: subject.workspaceId,
          userId: subject.userId,
        });
        const rows = await sql(
          `select rt.expires_at, rt.used_at, rt.revoked_at, s.expires_at as session_expires_at,
                s.last_used_at, s.revoked_at as session_revoked_at
           from refresh_token rt join auth_session s on s.id = rt.family_id
          where rt.id = ? for update of rt, s`,
          [ref.id],
        );
        const account = await sql(
          `select u.disabled_at,
                exists (select 1 from membership m where m.user_id = u.id and m.workspace_id = ?) as member
           from user_account u where u.id = ?`,
          [subject.workspaceId, subject.userId],
        );
        const row = rows[0];
        if (!row) return { failure: 'token_invalid' as const };
        const failure = this.check(row, account[0], now);
        if (failure) {
          if (failure === 'session_expired' || failure === 'session_revoked') {
            await this.revokeIn(sql, subject.sessionId, failure, now);
          }
          return { failure };
        }
        if (row.used_at) {
          const spentFor = now.getTime() - new Date(row.used_at).getTime();
          if (spentFor > this.policy.graceSeconds * 1000) {
            await this.revokeIn(sql, subject.sessionId, 'token_reuse', now);
            await this.audit.record(
              {
                action: 'authn_token_reuse',
                workspaceId: subject.workspaceId,
                target: { type: 'user', id: subject.userId },
                metadata: {
                  sessionId: subject.sessionId,
                  spentSecondsAgo: Math.round(spentFor / 1000),
                },
              },
              sql,
            );
            return { failure: 'token_reused' as const };
          }
          // Within the grace window: a sibling, and the first use's time stays as it was, so the
          // window cannot be stretched by racing on.
        } else {
          await sql(`update refresh_token set used_at = ? where id = ?`, [now, ref.id]);
        }
        await sql(`update auth_session set last_used_at = ? where id = ?`, [
          now,
          subject.sessionId,
        ]);
        const sessionExpiresAt = new Date(row.session_expires_at);
        const refresh = await this.insertToken(
          sql,
          subject,
          ref.id as string,
          now,
          sessionExpiresAt,
        );
        return { subject, refresh, sessionExpiresAt };
      },
    );
    if ('failure' in outcome) throw refreshFailure(outcome.failure);

    return this.issue(outcome.subject, outcome.refresh, outcome.sessionExpiresAt);
  }

  /** The session a refresh token belongs to (whatever its state), without spending it. */
  async lookup(raw: string): Promise<SessionRef | null> {
    const hash = sha256Hex(raw);
    const rows = await inIdentityContext(this.orm, { credentialHash: hash }, (sql) =>
      sql(`select family_id, user_id, workspace_id from refresh_token where token_hash = ?`, [
        hash,
      ]),
    );
    const row = rows[0];
    return row
      ? { sessionId: row.family_id, userId: row.user_id, workspaceId: row.workspace_id }
      : null;
  }

  /** Ends one session and all its tokens. `em`: the caller's open transaction, if any. */
  async revoke(ref: SessionRef, reason: string, em?: EntityManager): Promise<void> {
    const now = this.clock.now();
    await inIdentityContext(
      em ?? this.orm,
      { workspaceId: ref.workspaceId, userId: ref.userId },
      (sql) => this.revokeIn(sql, ref.sessionId, reason, now),
    );
  }

  /**
   * Ends every session of a user in every workspace (password change, account disabled), but
   * `exceptSessionId`. Runs in the user's own context: `em` must not be inside a workspace
   * transaction of another user.
   */
  async revokeAllOfUser(
    userId: string,
    reason: string,
    options: { exceptSessionId?: string; em?: EntityManager; workspaceId?: string } = {},
  ): Promise<number> {
    const now = this.clock.now();
    return inIdentityContext(
      options.em ?? this.orm,
      { userId, workspaceId: options.workspaceId ?? null },
      async (sql) => {
        const revoked = await sql(
          `update auth_session set revoked_at = ?, revoked_reason = ?
            where user_id = ? and revoked_at is null and id <> ? returning id`,
          [now, reason, userId, options.exceptSessionId ?? '00000000-0000-0000-0000-000000000000'],
        );
        await sql(
          `update refresh_token set revoked_at = ?
            where user_id = ? and revoked_at is null and family_id <> ?`,
          [now, userId, options.exceptSessionId ?? '00000000-0000-0000-0000-000000000000'],
        );
        return revoked.length;
      },
    );
  }

  /** A fresh access token for an existing session (after a password change, say). */
  accessTokenFor(ref: SessionRef): { token: string; expiresIn: number } {
    return this.tokens.sign(ref);
  }

  private check(
    row: Record<string, unknown>,
    account: Record<string, unknown> | undefined,
    now: Date,
  ): Failure | null {
    const t = now.getTime();
    if (row.session_revoked_at || row.revoked_at) return 'session_revoked';
    if (!account || account.disabled_at || !account.member) return 'session_revoked';
    if (t >= new Date(row.session_expires_at as string).getTime()) return 'session_expired';
    if (t >= new Date(row.last_used_at as string).getTime() + this.policy.idleSeconds * 1000) {
      return 'session_expired';
    }
    if (t >= new Date(row.expires_at as string).getTime()) return 'token_expired';
    return null;
  }

  private async revokeIn(sql: Sql, sessionId: string, reason: string, now: Date): Promise<void> {
    await sql(
      `update auth_session set revoked_at = ?, revoked_reason = ? where id = ? and revoked_at is null`,
      [now, reason, sessionId],
    );
    await sql(
      `update refresh_token set revoked_at = ? where family_id = ? and revoked_at is null`,
      [now, sessionId],
    );
  }

  private async insertToken(
    sql: Sql,
    subject: SessionRef,
    parentId: string | null,
    now: Date,
    sessionExpiresAt: Date,
  ): Promise<{ raw: string; expiresAt: Date }> {
    const raw = randomBytes(32).toString('base64url');
    const idle = this.after(now, this.policy.idleSeconds);
    const expiresAt = idle < sessionExpiresAt ? idle : sessionExpiresAt;
    await sql(
      `insert into refresh_token (id, family_id, user_id, workspace_id, token_hash, parent_id, issued_at, expires_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        uuidv7(),
        subject.sessionId,
        subject.userId,
        subject.workspaceId,
        sha256Hex(raw),
        parentId,
        now,
        expiresAt,
      ],
    );
    return { raw, expiresAt };
  }

  private issue(
    subject: SessionRef,
    refresh: { raw: string; expiresAt: Date },
    sessionExpiresAt: Date,
  ): IssuedSession {
    const access = this.tokens.sign(subject);
    return {
      ...subject,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.raw,
      refreshExpiresAt: refresh.expiresAt,
      sessionExpiresAt,
    };
  }

  private after(from: Date, seconds: number): Date {
    return new Date(from.getTime() + seconds * 1000);
  }
}
