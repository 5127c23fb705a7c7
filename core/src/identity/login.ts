/**
 * Checking a password sign-in, with rate limits and lockout (ASVS 6.3):
 *
 * - per IP, every attempt counts (`rateLimits.loginPerIp`);
 * - per account + IP, consecutive failures lock that pair (`lockout.perAccountAndIp`, 10 by
 *   default) for `lockout.lockSeconds`, even for the right password (SEC-26);
 * - per account from any IP, failures lock the account at a higher figure (`lockout.perAccount`):
 *   an attacker's IP getting locked must not lock the victim out (SEC-27), but a distributed
 *   guess still meets a ceiling.
 *
 * An unknown address costs the same as a wrong password (a dummy hash is verified) and gets the
 * same answer, and the lock keys are derived from what was typed, so a lock reveals nothing
 * about whether an account exists.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { NovumError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { AuditLog } from './audit.js';
import { inIdentityContext, type Sql } from './db.js';
import { TooManyRequestsError } from './http-errors.js';
import type { IdentityOptions } from './options.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import type { RateLimiter } from './rate-limit.js';
import { normalizeEmail } from './accounts.js';

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
}

export interface VerifiedLogin {
  userId: string;
  workspaceId: string;
  workspaces: WorkspaceSummary[];
}

export const invalidCredentials = (): NovumError =>
  new NovumError('invalid_credentials', 'The email address or password is not correct', {
    status: 401,
  });

export class LoginService {
  constructor(
    private readonly orm: MikroORM,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditLog,
    private readonly options: IdentityOptions,
    private readonly logger: Logger,
  ) {}

  async verify(
    input: { email: string; password: string; workspace?: string | undefined },
    client: { ip: string; userAgent: string | null },
  ): Promise<VerifiedLogin> {
    const email = normalizeEmail(input.email);
    const { lockout, rateLimits } = this.options;
    const ipHit = await this.limiter.hit(
      this.limiter.key('login:ip', client.ip),
      rateLimits.loginPerIp,
    );
    if (!ipHit.allowed) throw new TooManyRequestsError(ipHit.retryAfterSeconds);

    const pairKey = this.limiter.key('login:account+ip', `${email}\n${client.ip}`);
    const accountKey = this.limiter.key('login:account', email);
    const lockedFor = Math.max(
      await this.limiter.lockedFor(pairKey, lockout.lockSeconds),
      await this.limiter.lockedFor(accountKey, lockout.lockSeconds),
    );
    if (lockedFor > 0) throw new TooManyRequestsError(lockedFor);

    const user = await this.findUser(email);
    const matches = await verifyPassword(
      user?.password_hash ?? (await dummyHash()),
      input.password,
    );
    const audited = { ip: client.ip, userAgent: client.userAgent };
    if (!user || !matches) {
      await this.recordFailure(pairKey, accountKey, user?.id ?? null, audited);
      throw invalidCredentials();
    }
    if (user.disabled_at) {
      await this.audit.record({
        action: 'authn_login_fail',
        target: { type: 'user', id: user.id },
        ...audited,
        metadata: { reason: 'disabled' },
      });
      throw new NovumError('account_disabled', 'This account is disabled', { status: 403 });
    }
    // Consecutive failures are what lock a pair, so a success starts the count again.
    await this.limiter.reset(pairKey);
    if (needsRehash(user.password_hash)) await this.rehash(user.id, input.password);

    const workspaces = await this.workspacesOf(user.id);
    const chosen = this.choose(workspaces, input.workspace);
    await this.audit.record({
      action: 'authn_login_success',
      workspaceId: chosen.id,
      actor: { kind: 'user', id: user.id },
      target: { type: 'user', id: user.id },
      ...audited,
    });
    return { userId: user.id, workspaceId: chosen.id, workspaces };
  }

  /** The workspaces a user belongs to, oldest membership first. */
  async workspacesOf(userId: string, inContext?: Sql): Promise<WorkspaceSummary[]> {
    const query = (sql: Sql) =>
      sql(
        `select w.id, w.name, w.slug from membership m join workspace w on w.id = m.workspace_id
          where m.user_id = ? order by m.created_at, m.id`,
        [userId],
      );
    // `inContext`: a transaction whose identity context already names this user.
    const rows = inContext
      ? await query(inContext)
      : await inIdentityContext(this.orm, { userId }, query);
    return rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug }));
  }

  private choose(workspaces: WorkspaceSummary[], wanted: string | undefined): WorkspaceSummary {
    const chosen = wanted
      ? workspaces.find((w) => w.id === wanted || w.slug === wanted)
      : workspaces[0];
    if (!chosen) {
      // The same answer for a workspace that does not exist and one the user is not in.
      throw new NovumError('workspace_not_available', 'No such workspace for this account', {
        status: 403,
      });
    }
    return chosen;
  }

  private async findUser(
    email: string,
  ): Promise<{ id: string; password_hash: string; disabled_at: Date | null } | undefined> {
    const rows = await inIdentityContext(this.orm, { loginEmail: email }, (sql) =>
      sql(`select id, password_hash, disabled_at from user_account where email = ?`, [email]),
    );
    return rows[0] as { id: string; password_hash: string; disabled_at: Date | null } | undefined;
  }

  private async recordFailure(
    pairKey: string,
    accountKey: string,
    userId: string | null,
    audited: { ip: string; userAgent: string | null },
  ): Promise<void> {
    const { lockout } = this.options;
    const window = { windowSeconds: lockout.windowSeconds };
    const pair = await this.limiter.hit(pairKey, { ...window, limit: lockout.perAccountAndIp });
    const account = await this.limiter.hit(accountKey, { ...window, limit: lockout.perAccount });
    await this.audit.record({
      action: 'authn_login_fail',
      ...(userId ? { target: { type: 'user', id: userId } } : {}),
      ...audited,
      metadata: { reason: userId ? 'wrong_password' : 'unknown_account' },
    });
    // Reaching the threshold locks at once: the next attempt, right password or not, gets 429.
    const locks: string[] = [];
    if (pair.count >= lockout.perAccountAndIp) locks.push(pairKey);
    if (account.count >= lockout.perAccount) locks.push(accountKey);
    for (const key of locks) await this.limiter.lock(key);
    if (locks.length > 0) {
      await this.audit.record({
        action: 'authn_login_lock',
        ...(userId ? { target: { type: 'user', id: userId } } : {}),
        ...audited,
        metadata: {
          scope: locks.includes(accountKey) ? 'account' : 'account+ip',
          lockSeconds: lockout.lockSeconds,
        },
      });
    }
  }

  private async rehash(userId: string, password: string): Promise<void> {
    try {
      const hash = await hashPassword(password);
      await inIdentityContext(this.orm, { userId }, (sql) =>
        sql(`update user_account set password_hash = ? where id = ?`, [hash, userId]),
      );
    } catch (err) {
      // The sign-in itself succeeded; the upgrade is retried at the next one.
      this.logger.warn({ err, userId }, 'password rehash failed');
    }
  }
}
