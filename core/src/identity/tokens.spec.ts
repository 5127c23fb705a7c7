/**
 * Access-token attacks (SECURITY-CHECKLIST SEC-01…SEC-14), over HTTP against the real app.
 * Every forged token below carries a real session's claims, so the only thing wrong with it is
 * the one thing each case changes: a 200 would mean that check is missing.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from '../testing/index.js';
import {
  decodeJwt,
  forgeJwt,
  signingKey,
  startIdentity,
  type Account,
  type IdentityHarness,
  type TokenPair,
} from './testkit.test.js';

const OLD_SECRET = `previous-${'s'.repeat(40)}`;
const RETIRED_SECRET = `retired-${'r'.repeat(40)}`;
const TOLERANCE = 5;

describe('access tokens (SEC-01…SEC-14)', () => {
  let h: IdentityHarness;
  let alice: Account;
  let aliceTokens: TokenPair;
  let bobTokens: TokenPair;
  const me = (token: string) => h.call('GET', '/api/v1/me', { token });
  const now = () => Math.floor(h.clock.now().getTime() / 1000);

  /** Alice's real claims, with changes; signed with `secret`'s derived key unless given. */
  const claims = (changes: Record<string, unknown> = {}) => {
    const { payload } = decodeJwt(aliceTokens.accessToken);
    const merged: Record<string, unknown> = {
      ...payload,
      iat: now(),
      exp: now() + 600,
      ...changes,
    };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    return merged;
  };
  const signed = (payload: object, header: Record<string, unknown> = {}, secret = TEST_SECRET) => {
    const { kid, key } = signingKey(secret);
    return forgeJwt({ alg: 'HS256', typ: 'JWT', kid, ...header }, payload, key);
  };

  beforeAll(async () => {
    h = await startIdentity({
      options: { clockToleranceSeconds: TOLERANCE },
      config: { previousSecrets: [OLD_SECRET] },
    });
    alice = await h.signUp();
    aliceTokens = await h.login(alice);
    bobTokens = await h.login(await h.signUp());
  }, 60_000);
  afterAll(() => h?.close());

  it('accepts the real token and a correctly re-signed copy (the forging is sound)', async () => {
    expect((await me(aliceTokens.accessToken)).status).toBe(200);
    expect((await me(signed(claims()))).status).toBe(200);
  });

  it('issues HS256 with kid, typ access, sub/wid/sid, iss/aud and a 15-minute exp', () => {
    const { header, payload } = decodeJwt(aliceTokens.accessToken);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: signingKey(TEST_SECRET).kid });
    expect(payload).toMatchObject({ typ: 'access', iss: 'novumdesk', aud: 'novumdesk' });
    expect(payload.exp - payload.iat).toBe(900);
    expect(payload.wid).toBe(aliceTokens.workspaceId);
  });

  it('SEC-01/02: alg none, NoNe, NONE with an empty signature → 401', async () => {
    for (const alg of ['none', 'NoNe', 'NONE']) {
      const token = forgeJwt({ alg, typ: 'JWT', kid: signingKey(TEST_SECRET).kid }, claims(), null);
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('SEC-03: RS256 when only HS256 is allowed; HS256 signed with a public key as secret → 401', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = signingKey(TEST_SECRET).kid;
    const rs = jwt.sign(claims(), privateKey, {
      algorithm: 'RS256',
      header: { alg: 'RS256', kid },
    });
    expect((await me(rs)).status).toBe(401);
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await me(forgeJwt({ alg: 'HS256', typ: 'JWT', kid }, claims(), pem))).status).toBe(401);
  });

  it('SEC-04: right secret, disallowed alg (HS512, HS384) → 401', async () => {
    const { kid, key } = signingKey(TEST_SECRET);
    for (const algorithm of ['HS512', 'HS384'] as const) {
      const token = jwt.sign(claims(), key, { algorithm, header: { alg: algorithm, kid } });
      expect((await me(token)).status).toBe(401);
    }
  });

  it('SEC-05: validly signed without exp → 401', async () => {
    expect((await me(signed(claims({ exp: undefined })))).status).toBe(401);
  });

  it('SEC-06: expired 1 s beyond the clock tolerance → 401 token_expired; within it → 200', async () => {
    // Later than sign-up by more than a token's life, so `iat` can be after the password was set.
    h.clock.advance(1000);
    try {
      const expired = await me(signed(claims({ iat: now() - 900, exp: now() - TOLERANCE - 1 })));
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('token_expired');
      const lenient = await me(signed(claims({ iat: now() - 899, exp: now() - TOLERANCE + 2 })));
      expect(lenient.status).toBe(200);
      // The server's clock decides, not the token: by now the real token has expired too.
      expect((await me(aliceTokens.accessToken)).body.code).toBe('token_expired');
    } finally {
      h.clock.advance(-1000);
    }
  });

  it('SEC-07: nbf in the future → 401', async () => {
    expect((await me(signed(claims({ nbf: now() + 120 })))).status).toBe(401);
  });

  it('SEC-08: a refresh token, a verification token or a non-access JWT as Bearer → 401', async () => {
    expect((await me(aliceTokens.refreshToken)).status).toBe(401);
    const [mail] = await h.sql(
      `select text from mail_message where to_address = ? and kind = 'verify_email'`,
      [alice.email],
    );
    const verification = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect((await me(verification)).status).toBe(401);
    for (const typ of ['refresh', 'verify_email', undefined]) {
      expect((await me(signed(claims({ typ })))).status).toBe(401);
    }
  });

  it('SEC-09: wrong aud or iss → 401', async () => {
    expect((await me(signed(claims({ aud: 'https://evil.example' })))).status).toBe(401);
    expect((await me(signed(claims({ iss: 'https://evil.example' })))).status).toBe(401);
  });

  it("SEC-10: payload changed (workspace swapped to Bob's), signature kept → 401", async () => {
    const [h64, , sig] = aliceTokens.accessToken.split('.');
    const payload = { ...decodeJwt(aliceTokens.accessToken).payload, wid: bobTokens.workspaceId };
    const tampered = `${h64}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    expect((await me(tampered)).status).toBe(401);
    // And correctly signed but for a workspace Alice is not a member of: still 401.
    expect((await me(signed(claims({ wid: bobTokens.workspaceId })))).status).toBe(401);
  });

  it('SEC-11: a previous (verify-only) secret → 200; a retired secret or unknown kid → 401', async () => {
    expect((await me(signed(claims(), {}, OLD_SECRET))).status).toBe(200);
    expect((await me(signed(claims(), {}, RETIRED_SECRET))).status).toBe(401);
    const { key } = signingKey(TEST_SECRET);
    const unknownKid = forgeJwt({ alg: 'HS256', typ: 'JWT', kid: 'no-such-kid' }, claims(), key);
    expect((await me(unknownKid)).status).toBe(401);
    const noKid = forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims(), key);
    expect((await me(noKid)).status).toBe(401);
  });

  it('SEC-12: kid path traversal or SQL → 401 with a generic body', async () => {
    for (const kid of ['../../../../dev/null', "' OR '1'='1", '/etc/passwd', '']) {
      // Signed with what a naive server would load for that kid: the empty file.
      const res = await me(forgeJwt({ alg: 'HS256', typ: 'JWT', kid }, claims(), ''));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        code: 'token_invalid',
        detail: 'The access token is not valid',
      });
      expect(JSON.stringify(res.body)).not.toMatch(/stack|ENOENT|syntax|sql/i);
    }
  });

  it('SEC-13: embedded jwk / jku / x5u / x5c headers → 401, even with a valid signature', async () => {
    const attackerKey = randomBytes(32);
    const jwk = { kty: 'oct', k: attackerKey.toString('base64url') };
    const kid = signingKey(TEST_SECRET).kid;
    const attacks = [
      forgeJwt({ alg: 'HS256', typ: 'JWT', kid, jwk }, claims(), attackerKey),
      forgeJwt(
        { alg: 'HS256', typ: 'JWT', kid, jku: 'https://evil.example/jwks.json' },
        claims(),
        attackerKey,
      ),
      forgeJwt(
        { alg: 'HS256', typ: 'JWT', kid, x5u: 'https://evil.example/cert.pem' },
        claims(),
        attackerKey,
      ),
    ];
    for (const token of attacks) expect((await me(token)).status).toBe(401);
    for (const extra of [
      { jwk },
      { jku: 'https://evil.example/' },
      { x5u: 'https://evil.example/' },
      { x5c: ['MII'] },
      { crit: ['exp'] },
    ]) {
      expect((await me(signed(claims(), extra))).status).toBe(401);
    }
  });

  it('SEC-14: a user disabled after the token was issued → 401 on the next request', async () => {
    const carol = await h.signUp();
    const tokens = await h.login(carol);
    expect((await me(tokens.accessToken)).status).toBe(200);
    await h.sql(`update user_account set disabled_at = now() where email = ?`, [carol.email]);
    expect((await me(tokens.accessToken)).status).toBe(401);
    const relogin = await h.call('POST', '/api/v1/auth/login', { body: carol });
    expect(relogin.status).toBe(403);
    expect(relogin.body.code).toBe('account_disabled');
    expect(
      (
        await h.call('POST', '/api/v1/auth/refresh', {
          body: { refreshToken: tokens.refreshToken },
        })
      ).status,
    ).toBe(401);
  });

  it('refuses a removed membership and a role change takes effect at once', async () => {
    const dave = await h.signUp();
    const tokens = await h.login(dave);
    expect((await h.call('GET', '/api/v1/api-keys', { token: tokens.accessToken })).status).toBe(
      200,
    );
    // Demote to read-only: the next request has the new permissions.
    await h.sql(
      `update membership m set role_id = r.id from role r
        where r.workspace_id = m.workspace_id and r.key = 'read_only' and m.workspace_id = ?`,
      [tokens.workspaceId],
    );
    expect((await h.call('GET', '/api/v1/api-keys', { token: tokens.accessToken })).status).toBe(
      403,
    );
    await h.sql(`delete from membership where workspace_id = ?`, [tokens.workspaceId]);
    expect((await me(tokens.accessToken)).status).toBe(401);
  });

  it('rejects malformed Authorization headers and oversized tokens with 401', async () => {
    for (const authorization of [
      'Bearer',
      'Basic dXNlcjpwYXNz',
      'Bearer a.b',
      'Bearer ..',
      `Bearer ${'a'.repeat(5000)}.b.c`,
    ]) {
      const res = await h.call('GET', '/api/v1/me', { headers: { authorization } });
      expect(res.status).toBe(401);
    }
  });
});
