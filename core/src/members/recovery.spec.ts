/**
 * Password reset and email verification over HTTP (SEC-29, SEC-30, PRV-11): no enumeration,
 * single-use hashed expiring tokens, sessions ended by a reset, rate limits, and no secret in the
 * logs of the whole suite.
 */
import { createHash } from 'node:crypto';
import { startMembers, strongPassword, uniqueEmail, type MembersHarness } from './testkit.test.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('account recovery and verification', () => {
  let h: MembersHarness;
  /** Every password and token the suite used: none may appear in a log line. */
  const secrets: string[] = [];

  beforeAll(async () => {
    h = await startMembers({
      // Small enough to reach in a test, large enough for the other tests of the suite.
      members: {
        rateLimits: { passwordResetPerIp: { limit: 12 }, passwordResetPerAccount: { limit: 2 } },
      },
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const resetMails = async (email: string) =>
    (
      await h.sql(`select id from mail_message where to_address = ? and kind = 'reset_password'`, [
        email,
      ])
    ).length;

  it('answers a reset request the same way for an account and for an unknown address', async () => {
    const owner = await h.signUp();
    secrets.push(owner.password, owner.token, owner.refreshToken);
    const known = await h.call('POST', '/auth/password-reset', {
      body: { email: owner.email.toUpperCase() },
    });
    const unknown = await h.call('POST', '/auth/password-reset', {
      body: { email: uniqueEmail('nobody') },
    });
    expect([known.status, known.body]).toEqual([202, { status: 'accepted' }]);
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    expect(await resetMails(owner.email)).toBe(1);

    const token = await h.mailedToken(owner.email, 'reset_password');
    secrets.push(token);
    const [row] = await h.sql(
      `select token_hash, extract(epoch from expires_at - created_at)::int as ttl from action_token
        where user_id = ? and purpose = 'reset_password'`,
      [owner.userId],
    );
    expect(row).toEqual({ token_hash: sha256(token), ttl: 3600 });
  });

  it('voids an outstanding reset link when the password is changed another way (SEC-29)', async () => {
    const owner = await h.signUp();
    await h.expectStatus(202, 'POST', '/auth/password-reset', { body: { email: owner.email } });
    const token = await h.mailedToken(owner.email, 'reset_password');
    const changed = strongPassword();
    secrets.push(owner.password, owner.token, owner.refreshToken, token, changed);
    const change = await h.call('POST', '/auth/password', {
      token: owner.token,
      body: { currentPassword: owner.password, newPassword: changed },
    });
    expect(change.status).toBe(200);
    const late = await h.call('POST', '/auth/password-reset/confirm', {
      body: { token, newPassword: strongPassword() },
    });
    expect([late.status, late.body.code]).toEqual([410, 'token_used']);
    await h.login(owner.email, changed);
  });

  it('sets the new password once, ends every session, and keeps the link for a refused password', async () => {
    const owner = await h.signUp();
    const second = await h.login(owner.email, owner.password);
    await h.expectStatus(202, 'POST', '/auth/password-reset', { body: { email: owner.email } });
    const token = await h.mailedToken(owner.email, 'reset_password');
    const newPassword = strongPassword();
    secrets.push(owner.password, token, newPassword, second.token, second.refreshToken);

    const bogus = await h.call('POST', '/auth/password-reset/confirm', {
      body: { token: `${token}x`, newPassword },
    });
    expect([bogus.status, bogus.body.code]).toEqual([400, 'token_invalid']);
    const common = await h.call('POST', '/auth/password-reset/confirm', {
      body: { token, newPassword: 'password123' },
    });
    expect([common.status, common.body.code]).toEqual([400, 'password_too_common']);

    await h.expectStatus(204, 'POST', '/auth/password-reset/confirm', {
      body: { token, newPassword },
    });
    const reused = await h.call('POST', '/auth/password-reset/confirm', {
      body: { token, newPassword },
    });
    expect([reused.status, reused.body.code]).toEqual([410, 'token_used']);

    for (const session of [owner, second]) {
      expect((await h.call('GET', '/me', { token: session.token })).status).toBe(401);
      expect(
        (await h.call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } }))
          .status,
      ).toBe(401);
    }
    expect(
      (
        await h.call('POST', '/auth/login', {
          body: { email: owner.email, password: owner.password },
        })
      ).status,
    ).toBe(401);
    const fresh = await h.login(owner.email, newPassword);
    const me = await h.expectStatus(200, 'GET', '/me', { token: fresh.token });
    // The link reached the address, so the address is verified now too.
    expect(me.body.user.emailVerified).toBe(true);
    const [event] = await h.sql(
      `select workspace_id, actor_id, metadata from audit_event where action = 'authn_password_reset' and target_id = ?`,
      [owner.userId],
    );
    expect(event).toMatchObject({
      workspace_id: null,
      actor_id: owner.userId,
      metadata: { revokedSessions: 2 },
    });
  });

  it('keeps only the newest link, and refuses an expired one', async () => {
    const owner = await h.signUp();
    await h.expectStatus(202, 'POST', '/auth/password-reset', { body: { email: owner.email } });
    const first = await h.mailedToken(owner.email, 'reset_password');
    await h.expectStatus(202, 'POST', '/auth/password-reset', { body: { email: owner.email } });
    const second = await h.mailedToken(owner.email, 'reset_password');
    secrets.push(owner.password, first, second);
    expect(second).not.toBe(first);
    const withdrawn = await h.call('POST', '/auth/password-reset/confirm', {
      body: { token: first, newPassword: strongPassword() },
    });
    expect([withdrawn.status, withdrawn.body.code]).toEqual([410, 'token_used']);

    await h.sql(
      `update action_token set expires_at = now() - interval '1 second' where token_hash = ?`,
      [sha256(second)],
    );
    const expired = await h.call('POST', '/auth/password-reset/confirm', {
      body: { token: second, newPassword: strongPassword() },
    });
    expect([expired.status, expired.body.code]).toEqual([410, 'token_expired']);
    await h.login(owner.email, owner.password);
  });

  it('verifies the address with the sign-up link once; resending is for unverified users', async () => {
    const owner = await h.signUp();
    const token = await h.mailedToken(owner.email, 'verify_email');
    secrets.push(owner.password, token);
    await h.expectStatus(204, 'POST', '/auth/verify-email', { body: { token } });
    const again = await h.call('POST', '/auth/verify-email', { body: { token } });
    expect([again.status, again.body.code]).toEqual([410, 'token_used']);
    expect(
      (await h.expectStatus(200, 'GET', '/me', { token: owner.token })).body.user.emailVerified,
    ).toBe(true);
    const resend = await h.call('POST', '/auth/verify-email/resend', { token: owner.token });
    expect([resend.status, resend.body.code]).toEqual([409, 'email_already_verified']);

    const other = await h.signUp('unverified');
    const original = await h.mailedToken(other.email, 'verify_email');
    await h.expectStatus(202, 'POST', '/auth/verify-email/resend', { token: other.token });
    const fresh = await h.mailedToken(other.email, 'verify_email');
    secrets.push(other.password, original, fresh);
    // The earlier link is withdrawn by the new one.
    expect((await h.call('POST', '/auth/verify-email', { body: { token: original } })).status).toBe(
      410,
    );
    await h.sql(
      `update action_token set expires_at = now() - interval '1 second' where token_hash = ?`,
      [sha256(fresh)],
    );
    const expired = await h.call('POST', '/auth/verify-email', { body: { token: fresh } });
    expect([expired.status, expired.body.code]).toEqual([410, 'token_expired']);
    expect((await h.call('POST', '/auth/verify-email/resend')).status).toBe(401);
  });

  it('limits reset messages per address silently, and requests per IP with 429', async () => {
    const owner = await h.signUp();
    secrets.push(owner.password);
    const before = await resetMails(owner.email);
    for (let i = 0; i < 3; i++) {
      await h.expectStatus(202, 'POST', '/auth/password-reset', { body: { email: owner.email } });
    }
    // The per-address limit is 2 here: the third request was answered alike but sent nothing.
    expect((await resetMails(owner.email)) - before).toBe(2);
    let limited: Awaited<ReturnType<MembersHarness['call']>> | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const res = await h.call('POST', '/auth/password-reset', { body: { email: uniqueEmail() } });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(202);
    }
    expect(limited?.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  it('logs no password, token or reset link anywhere in the suite', () => {
    expect(secrets.length).toBeGreaterThan(10);
    const leaked = secrets.filter((secret) => h.logLines.some((line) => line.includes(secret)));
    expect(leaked).toEqual([]);
  });
});
