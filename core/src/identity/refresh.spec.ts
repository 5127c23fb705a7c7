/**
 * Refresh tokens and session lifetime (SEC-15…SEC-20): rotation, reuse detection across the
 * family, the grace window for concurrent refreshes, logout, password change, absolute and idle
 * expiry.
 */
import { startIdentity, type IdentityHarness, type TokenPair } from './testkit.test.js';

const DAY = 24 * 3600;

describe('refresh tokens and sessions (SEC-15…SEC-20)', () => {
  let h: IdentityHarness;
  const me = (token: string) => h.call('GET', '/api/v1/me', { token });
  const refresh = (refreshToken: string) =>
    h.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const newSession = async () => h.login(await h.signUp());

  beforeAll(async () => {
    h = await startIdentity();
  }, 60_000);
  afterAll(() => h?.close());

  it('SEC-15: refresh returns a new pair; the old refresh token then fails; stored only hashed', async () => {
    const first = await newSession();
    const res = await refresh(first.refreshToken);
    expect(res.status).toBe(200);
    const second = res.body as TokenPair;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await me(second.accessToken)).status).toBe(200);
    expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const plain = await h.sql(`select count(*)::int as n from refresh_token where token_hash = ?`, [
      first.refreshToken,
    ]);
    expect(plain[0].n).toBe(0);
    // Used again after the grace window: refused.
    h.clock.advance(31);
    try {
      const again = await refresh(first.refreshToken);
      expect(again.status).toBe(401);
    } finally {
      h.clock.advance(-31);
    }
  });

  it('SEC-16: replay outside the grace window revokes the whole family and is audited', async () => {
    const first = await newSession();
    const second = (await refresh(first.refreshToken)).body as TokenPair;
    const third = (await refresh(second.refreshToken)).body as TokenPair;
    h.clock.advance(60);
    try {
      const replay = await refresh(first.refreshToken);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('token_reused');
      // The newest token and its access token are dead too.
      expect((await refresh(third.refreshToken)).status).toBe(401);
      expect((await me(third.accessToken)).status).toBe(401);
      const audit = await h.sql(
        `select action, workspace_id, metadata from audit_event where action = 'authn_token_reuse' and workspace_id = ?`,
        [first.workspaceId],
      );
      expect(audit).toHaveLength(1);
    } finally {
      h.clock.advance(-60);
    }
  });

  it('SEC-17: two concurrent refreshes with one token both succeed and neither logs out', async () => {
    const first = await newSession();
    const [a, b] = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).not.toBe(b.body.refreshToken);
    // Both children keep working, and so does the session.
    expect((await refresh(a.body.refreshToken)).status).toBe(200);
    expect((await refresh(b.body.refreshToken)).status).toBe(200);
    expect((await me(b.body.accessToken)).status).toBe(200);
    const reuse = await h.sql(
      `select count(*)::int as n from audit_event where action = 'authn_token_reuse' and workspace_id = ?`,
      [first.workspaceId],
    );
    expect(reuse[0].n).toBe(0);
  });

  it('SEC-18: after logout the access token and the refresh token are refused', async () => {
    const session = await newSession();
    const out = await h.call('POST', '/api/v1/auth/logout', {
      body: { refreshToken: session.refreshToken },
    });
    expect(out.status).toBe(204);
    expect((await me(session.accessToken)).status).toBe(401);
    expect((await me(session.accessToken)).body.code).toBe('session_revoked');
    expect((await refresh(session.refreshToken)).status).toBe(401);
    // Logging out with an unknown token says nothing either way.
    expect(
      (await h.call('POST', '/api/v1/auth/logout', { body: { refreshToken: 'x'.repeat(43) } }))
        .status,
    ).toBe(204);
  });

  it('SEC-19: a password change signs out other sessions; this one gets a fresh token', async () => {
    const account = await h.signUp();
    const mine = await h.login(account);
    const other = await h.login(account);
    const res = await h.call('POST', '/api/v1/auth/password', {
      token: mine.accessToken,
      body: { currentPassword: account.password, newPassword: 'a brand new passphrase' },
    });
    expect(res.status).toBe(200);
    expect(res.body.revokedSessions).toBe(1);
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect((await me(res.body.accessToken)).status).toBe(200);
    // The session's own refresh token still works; the old password does not.
    expect((await refresh(mine.refreshToken)).status).toBe(200);
    expect((await h.call('POST', '/api/v1/auth/login', { body: account })).status).toBe(401);
    await h.login({ email: account.email, password: 'a brand new passphrase' });
  });

  it('SEC-19: tokens issued before the password changed are refused (iat check)', async () => {
    const session = await newSession();
    h.clock.advance(2);
    try {
      await h.sql(`update user_account set password_changed_at = ? where id = ?`, [
        h.clock.now(),
        (await me(session.accessToken)).body.user.id,
      ]);
      expect((await me(session.accessToken)).status).toBe(401);
    } finally {
      h.clock.advance(-2);
    }
  });

  it('SEC-20: a session idle past the idle timeout is over', async () => {
    const session = await newSession();
    h.clock.advance(7 * DAY + 60);
    try {
      const res = await refresh(session.refreshToken);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('session_expired');
    } finally {
      h.clock.advance(-(7 * DAY + 60));
    }
  });

  it('SEC-20: refreshing keeps a session alive only until its absolute lifetime', async () => {
    let session = await newSession();
    let advanced = 0;
    try {
      // Refresh every 6 days: never idle, but 30 days after sign-in the session ends.
      for (let day = 6; day < 30; day += 6) {
        h.clock.advance(6 * DAY);
        advanced += 6 * DAY;
        const res = await refresh(session.refreshToken);
        expect(res.status).toBe(200);
        session = res.body;
      }
      h.clock.advance(6 * DAY);
      advanced += 6 * DAY;
      const res = await refresh(session.refreshToken);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('session_expired');
      expect((await me(session.accessToken)).status).toBe(401);
    } finally {
      h.clock.advance(-advanced);
    }
  });

  it('the refresh response carries the workspaces; a garbage token is 401 token_invalid', async () => {
    const session = await newSession();
    const res = await refresh(session.refreshToken);
    expect(res.body.workspaces).toEqual([expect.objectContaining({ id: session.workspaceId })]);
    const bad = await refresh('not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('token_invalid');
  });
});
