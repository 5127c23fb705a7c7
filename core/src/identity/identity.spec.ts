import type { NovumPlugin } from '../kernel/contract.js';
/**
 * The identity module end to end: sign-up → login → /me, terms and age, built-in roles, the
 * verification message, enumeration-safe duplicate sign-up, several workspaces per user, the
 * first-start bootstrap, and (last) that nothing secret reached the logs of this suite (SEC-55).
 */
import { jest } from '@jest/globals';
import { bootstrapAdmin } from './bootstrap.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  startIdentity,
  strongPassword,
  uniqueEmail,
  type IdentityHarness,
} from './testkit.test.js';

/** A plugin that only declares a permission, to show owners receive plugins' permissions. */
const widgetsPlugin: NovumPlugin = {
  id: 'widgets',
  version: '1.0.0',
  core: '^0.1.0',
  permissions: ['widgets:use'],
};

describe('identity', () => {
  let h: IdentityHarness;
  /** Every secret this suite handles; none may appear in a log line. */
  const secrets: string[] = [ADMIN_PASSWORD];
  const signupBody = (overrides: Record<string, unknown> = {}) => ({
    workspaceName: 'Acme Support',
    email: uniqueEmail(),
    password: strongPassword(),
    displayName: 'Ada',
    acceptTerms: true,
    termsVersion: '2026-01',
    ageAttestation: { atLeast13: true },
    ...overrides,
  });
  const signUp = (body: Record<string, unknown>) => h.call('POST', '/api/v1/auth/signup', { body });

  beforeAll(async () => {
    h = await startIdentity({ logLines: [], plugins: [widgetsPlugin] });
  }, 60_000);
  afterAll(() => h?.close());

  it('signs up, logs in and answers /me with the owner role and its permissions', async () => {
    const body = signupBody();
    secrets.push(body.password as string);
    const res = await signUp(body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'verification_sent', message: expect.any(String) });
    const tokens = await h.login({
      email: body.email as string,
      password: body.password as string,
    });
    secrets.push(tokens.accessToken, tokens.refreshToken);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await h.call('GET', '/api/v1/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      user: { email: body.email, displayName: 'Ada', emailVerified: false, timeZone: 'UTC' },
      workspace: {
        id: tokens.workspaceId,
        name: 'Acme Support',
        slug: expect.stringMatching(/^acme-support/),
      },
      role: { key: 'owner', name: 'Owner' },
      apiKey: null,
    });
    expect(me.body.permissions).toEqual(
      expect.arrayContaining(['settings:manage', 'tickets:read', 'workspace:own']),
    );
    expect(me.body.permissions).not.toContain('system:manage');
    // A loaded plugin's permission: the owner holds it without any role edit.
    expect(me.body.permissions).toContain('widgets:use');
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.body.user).not.toHaveProperty('passwordHash');
  });

  it('stores terms and age attestation, and seeds the four built-in roles', async () => {
    const body = signupBody();
    await signUp(body);
    const [user] = await h.sql(
      `select terms_version, terms_accepted_at, age_attestation, age_attested_at from user_account where email = ?`,
      [body.email],
    );
    expect(user).toMatchObject({ terms_version: '2026-01', age_attestation: 'at_least_13' });
    expect(user.terms_accepted_at).not.toBeNull();
    expect(user.age_attested_at).not.toBeNull();
    const roles = await h.sql(
      `select r.key, r.builtin from role r join membership m on m.workspace_id = r.workspace_id
         join user_account u on u.id = m.user_id where u.email = ? order by r.key`,
      [body.email],
    );
    expect(roles).toEqual([
      { key: 'admin', builtin: true },
      { key: 'agent', builtin: true },
      { key: 'owner', builtin: true },
      { key: 'read_only', builtin: true },
    ]);
  });

  it('requires accepted terms, a terms version and the age attestation (400 with the field)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ acceptTerms: false }, 'body.acceptTerms'],
      [{ acceptTerms: undefined }, 'body.acceptTerms'],
      [{ termsVersion: undefined }, 'body.termsVersion'],
      [{ ageAttestation: undefined }, 'body.ageAttestation'],
      [{ ageAttestation: { atLeast13: false } }, 'body.ageAttestation.atLeast13'],
      [{ ageAttestation: {} }, 'body.ageAttestation.atLeast13'],
    ];
    for (const [overrides, path] of cases) {
      const body = signupBody(overrides);
      const res = await signUp(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      const created = await h.sql(`select 1 from user_account where email = ?`, [body.email]);
      expect(created).toHaveLength(0);
    }
  });

  it('sends the verification message with a single-use token kept only as a hash', async () => {
    const body = signupBody();
    await signUp(body);
    const mails = await h.sql(
      `select kind, subject, text, status from mail_message where to_address = ?`,
      [body.email],
    );
    expect(mails).toEqual([expect.objectContaining({ kind: 'verify_email', status: 'stored' })]);
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(mails[0].text)![1]!;
    secrets.push(token);
    const [row] = await h.sql(
      `select a.token_hash, a.purpose, a.expires_at from action_token a join user_account u on u.id = a.user_id where u.email = ?`,
      [body.email],
    );
    expect(row.purpose).toBe('verify_email');
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toBe(token);
  });

  it('answers a duplicate sign-up exactly like a new one, and mails the owner instead', async () => {
    const body = signupBody();
    const first = await signUp(body);
    const again = await signUp({
      ...body,
      email: (body.email as string).toUpperCase(),
      workspaceName: 'Other',
    });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(
      await h.sql(`select 1 from user_account where lower(email) = ?`, [body.email]),
    ).toHaveLength(1);
    const kinds = await h.sql(
      `select kind from mail_message where to_address = ? order by created_at`,
      [body.email],
    );
    expect(kinds.map((k) => k.kind)).toEqual(['verify_email', 'signup_existing_account']);
    // Login is case-insensitive in the address.
    await h.login({
      email: (body.email as string).toUpperCase(),
      password: body.password as string,
    });
  });

  it('gives two workspaces of the same name different slugs', async () => {
    const a = signupBody({ workspaceName: 'Same Name' });
    const b = signupBody({ workspaceName: 'Same Name' });
    await signUp(a);
    await signUp(b);
    const ta = await h.login({ email: a.email as string, password: a.password as string });
    const tb = await h.login({ email: b.email as string, password: b.password as string });
    expect(ta.workspaces[0]!.slug).not.toBe(tb.workspaces[0]!.slug);
  });

  it('picks the oldest workspace for a member of several, lists them, and switches on request', async () => {
    const owner = signupBody();
    await signUp(owner);
    const other = await h.login(await h.signUp());
    const [user] = await h.sql(`select id from user_account where email = ?`, [owner.email]);
    h.clock.advance(5);
    await h.sql(
      `insert into membership (id, workspace_id, user_id, role_id, created_at)
       select gen_random_uuid(), r.workspace_id, ?, r.id, ? from role r where r.workspace_id = ? and r.key = 'agent'`,
      [user.id, h.clock.now(), other.workspaceId],
    );
    h.clock.advance(-5);
    const login = (workspace?: string) =>
      h.call('POST', '/api/v1/auth/login', {
        body: { email: owner.email, password: owner.password, ...(workspace ? { workspace } : {}) },
      });
    const first = await login();
    expect(first.body.workspaces).toHaveLength(2);
    expect(first.body.workspaceId).toBe(first.body.workspaces[0].id);
    expect(first.body.workspaceId).not.toBe(other.workspaceId);
    const switched = await login(other.workspaces[0]!.slug);
    expect(switched.body.workspaceId).toBe(other.workspaceId);
    const me = await h.call('GET', '/api/v1/me', { token: switched.body.accessToken });
    expect(me.body.role.key).toBe('agent');
    expect(me.body.permissions).not.toContain('settings:manage');
    const foreign = await login('00000000-0000-7000-8000-000000000000');
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('workspace_not_available');
  });

  it('bootstrapped the Demo workspace whose owner is also the operator', async () => {
    const admin = await h.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(admin.workspaces.map((w) => w.name)).toEqual(['Demo']);
    const [user] = await h.sql(`select email_verified_at from user_account where email = ?`, [
      ADMIN_EMAIL,
    ]);
    expect(user.email_verified_at).not.toBeNull();
    expect(
      (await h.call('GET', '/api/v1/system/plugins', { token: admin.accessToken })).status,
    ).toBe(200);
    const owner = await h.login(await h.signUp());
    expect(
      (await h.call('GET', '/api/v1/system/plugins', { token: owner.accessToken })).status,
    ).toBe(403);
    // A second start finds the instance started and creates nothing.
    expect(await bootstrapAdmin(h.t.hd.container.resolve('identity'))).toBeNull();
    expect(await h.sql(`select 1 from workspace where name = 'Demo'`)).toHaveLength(1);
  });

  it('documents the identity routes in the OpenAPI document', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    for (const path of [
      '/api/v1/auth/signup',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/auth/session',
      '/api/v1/me',
      '/api/v1/api-keys',
      '/api/v1/api-keys/{id}',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.components.schemas).toHaveProperty('TokenPair');
  });

  it('SEC-54: an address with CR/LF cannot forge a log line', async () => {
    const before = h.logLines.length;
    await h.call('POST', '/api/v1/auth/login', {
      body: { email: 'x@example.com\r\n{"level":50,"msg":"forged"}', password: 'whatever-1234' },
    });
    for (const line of h.logLines.slice(before)) expect(JSON.parse(line).msg).not.toBe('forged');
  });

  it('SEC-55: exercises every credential path, then finds no secret in the captured logs', async () => {
    const account = await h.signUp();
    secrets.push(account.password);
    const tokens = await h.login(account);
    const rotated = (
      await h.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })
    ).body;
    const key = (
      await h.call('POST', '/api/v1/api-keys', {
        token: rotated.accessToken,
        body: { name: 'k', permissions: ['tickets:read'] },
      })
    ).body.key;
    await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': key } });
    await h.call('GET', `/api/v1/me?api_key=${key}`);
    const session = await h.call('POST', '/api/v1/auth/session', { body: account });
    const cookies = session.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=')[1]!);
    const newPassword = strongPassword();
    await h.call('POST', '/api/v1/auth/password', {
      token: rotated.accessToken,
      body: { currentPassword: account.password, newPassword },
    });
    await h.call('POST', '/api/v1/auth/login', {
      body: { email: account.email, password: 'a-wrong-guess-77' },
    });
    await h.call('POST', '/api/v1/auth/logout', { body: { refreshToken: rotated.refreshToken } });
    secrets.push(
      tokens.accessToken,
      tokens.refreshToken,
      rotated.accessToken,
      rotated.refreshToken,
      key,
      newPassword,
      'a-wrong-guess-77',
      ...cookies,
    );
    expect(h.logLines.length).toBeGreaterThan(20);
    const logs = h.logLines.join('\n');
    for (const secret of secrets.filter((s) => s.length >= 10)) expect(logs).not.toContain(secret);
    expect(logs).toContain('security event');
  });
});

describe('first start without a configured admin password', () => {
  it('generates one, prints it once to stdout, and keeps it out of the logs', async () => {
    const printed: string[] = [];
    const spy = jest
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)));
    const logLines: string[] = [];
    let h: IdentityHarness | undefined;
    try {
      h = await startIdentity({ logLines, config: { admin: { email: 'owner@example.org' } } });
    } finally {
      spy.mockRestore();
    }
    try {
      expect(printed).toHaveLength(1);
      const password = /\n {4}(\S+)\n/.exec(printed[0]!)![1]!;
      expect(printed[0]).toContain('owner@example.org');
      await h.login({ email: 'owner@example.org', password });
      expect(logLines.join('\n')).not.toContain(password);
      expect(logLines.some((l) => l.includes('generated password'))).toBe(true);
    } finally {
      await h?.close();
    }
  }, 60_000);
});
