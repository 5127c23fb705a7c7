/**
 * Password storage and policy (SEC-22…SEC-25, PRV-01): argon2id at the OWASP floor, rehash of
 * weaker hashes at login, length-only rules with a common-password list.
 */
import { hash } from '@node-rs/argon2';
import {
  startIdentity,
  strongPassword,
  uniqueEmail,
  type IdentityHarness,
} from './testkit.test.js';

const PHC_POLICY = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

describe('passwords (SEC-22…SEC-25)', () => {
  let h: IdentityHarness;
  const signUpWith = (password: string, email = uniqueEmail()) =>
    h.call('POST', '/api/v1/auth/signup', {
      body: {
        workspaceName: 'Acme',
        email,
        password,
        displayName: 'A',
        acceptTerms: true,
        termsVersion: '1',
        ageAttestation: { atLeast13: true },
      },
    });
  const storedHash = async (email: string) =>
    (await h.sql(`select password_hash from user_account where email = ?`, [email]))[0]
      ?.password_hash as string;

  beforeAll(async () => {
    h = await startIdentity();
  }, 60_000);
  afterAll(() => h?.close());

  it('SEC-22: stores an argon2id PHC string at m=19456,t=2,p=1', async () => {
    const account = await h.signUp();
    expect(await storedHash(account.email)).toMatch(PHC_POLICY);
  });

  it('SEC-22: rehashes a weaker legacy hash (argon2i, low memory) at the next login', async () => {
    const account = await h.signUp();
    // 1 = argon2i; the ambient const enum cannot be used under isolatedModules.
    const legacy = await hash(account.password, {
      algorithm: 1 as never,
      memoryCost: 4096,
      timeCost: 1,
    });
    await h.sql(`update user_account set password_hash = ? where email = ?`, [
      legacy,
      account.email,
    ]);
    expect(await storedHash(account.email)).toMatch(/^\$argon2i\$/);
    await h.login(account);
    const upgraded = await storedHash(account.email);
    expect(upgraded).toMatch(PHC_POLICY);
    await h.login(account); // and it still verifies
    expect(await storedHash(account.email)).toBe(upgraded); // no rehash when already at policy
  });

  it('SEC-23: 9 characters → 400 with the field; 10 and 64 → accepted; no composition rules', async () => {
    const short = await signUpWith('a'.repeat(3) + 'bcdefg');
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('validation_failed');
    expect(short.body.errors).toEqual([expect.objectContaining({ path: 'body.password' })]);
    expect((await signUpWith('lowercase!')).status).toBe(202);
    expect((await signUpWith('x'.repeat(40) + 'lowercaseonly' + 'y'.repeat(11))).status).toBe(202);
    expect((await signUpWith('a'.repeat(257))).status).toBe(400);
  });

  it('SEC-23: spaces count and are kept (no trimming)', async () => {
    const email = uniqueEmail();
    const password = `  ${strongPassword()}  `;
    expect((await signUpWith(password, email)).status).toBe(202);
    expect(
      (await h.call('POST', '/api/v1/auth/login', { body: { email, password: password.trim() } }))
        .status,
    ).toBe(401);
    expect((await h.call('POST', '/api/v1/auth/login', { body: { email, password } })).status).toBe(
      200,
    );
  });

  it('SEC-24: a common password (any case), or the email itself → 400 password_too_common', async () => {
    for (const password of ['password123', 'PassWord123', 'qwertyuiop', '1234567890']) {
      const res = await signUpWith(password);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('password_too_common');
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.password' })]);
    }
    const email = uniqueEmail();
    expect((await signUpWith(email, email)).body.code).toBe('password_too_common');
  });

  it('SEC-25: changing the password needs the current one (missing → 400, wrong → 403)', async () => {
    const account = await h.signUp();
    const { accessToken } = await h.login(account);
    const change = (body: object) =>
      h.call('POST', '/api/v1/auth/password', { token: accessToken, body });
    const missing = await change({ newPassword: strongPassword() });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ path: 'body.currentPassword' }),
    ]);
    const wrong = await change({
      currentPassword: 'not-my-password',
      newPassword: strongPassword(),
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('invalid_current_password');
    const common = await change({ currentPassword: account.password, newPassword: 'password1234' });
    expect(common.body.code).toBe('password_too_common');
    const anonymous = await h.call('POST', '/api/v1/auth/password', {
      body: { currentPassword: account.password, newPassword: strongPassword() },
    });
    expect(anonymous.status).toBe(401);
  });
});
