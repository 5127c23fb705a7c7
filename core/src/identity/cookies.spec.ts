/**
 * Browser sessions: cookie attributes (SEC-47, PRV-15), CSRF (SEC-46), cookie refresh and logout
 * (SEC-18), and the plain-HTTP development fallback.
 */
import { startIdentity, type Account, type IdentityHarness } from './testkit.test.js';

interface Jar {
  cookies: Map<string, string>;
  raw: string[];
}

const parseSetCookie = (headers: Headers): string[] => headers.getSetCookie();
const attributes = (raw: string[], name: string) => {
  const line = raw.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`no Set-Cookie for ${name} in ${JSON.stringify(raw)}`);
  const [pair, ...attrs] = line.split(';').map((s) => s.trim());
  return {
    value: pair!.slice(name.length + 1),
    attrs: attrs.map((a) => a.toLowerCase()),
  };
};

describe('browser sessions (SEC-46, SEC-47, SEC-18)', () => {
  let h: IdentityHarness;
  let account: Account;
  // Behind a TLS proxy: the app trusts X-Forwarded-Proto, so these requests count as HTTPS.
  const https = { 'x-forwarded-proto': 'https' };
  let origin: string;

  const cookieHeader = (jar: Jar, only?: string[]) =>
    [...jar.cookies]
      .filter(([name]) => !only || only.includes(name))
      .map(([n, v]) => `${n}=${v}`)
      .join('; ');

  async function signIn(headers: Record<string, string> = https): Promise<Jar & { csrf: string }> {
    const res = await h.call('POST', '/api/v1/auth/session', {
      body: { email: account.email, password: account.password },
      headers,
    });
    expect(res.status).toBe(200);
    const raw = parseSetCookie(res.headers);
    const cookies = new Map<string, string>();
    for (const line of raw) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { cookies, raw, csrf: res.body.csrfToken };
  }

  beforeAll(async () => {
    h = await startIdentity({ config: { trustProxy: true } });
    account = await h.signUp();
    origin = `https://${new URL(h.t.url).host}`;
  }, 60_000);
  afterAll(() => h?.close());

  it('SEC-47: __Host- cookies with Secure, HttpOnly, SameSite and Path=/', async () => {
    const jar = await signIn();
    const session = attributes(jar.raw, '__Host-novumdesk_session');
    expect(session.attrs).toEqual(
      expect.arrayContaining(['path=/', 'secure', 'httponly', 'samesite=lax']),
    );
    const refresh = attributes(jar.raw, '__Host-novumdesk_refresh');
    expect(refresh.attrs).toEqual(
      expect.arrayContaining(['path=/', 'secure', 'httponly', 'samesite=strict']),
    );
    const csrf = attributes(jar.raw, 'novumdesk_csrf');
    expect(csrf.attrs).toEqual(expect.arrayContaining(['path=/', 'secure', 'samesite=strict']));
    expect(csrf.attrs).not.toContain('httponly');
    expect(csrf.value).toBe(jar.csrf);
    for (const line of jar.raw) expect(line.toLowerCase()).not.toContain('domain=');
    // The tokens are in the cookies, not in the body.
    const body = await h.call('POST', '/api/v1/auth/session', { body: account, headers: https });
    expect(body.body).not.toHaveProperty('accessToken');
    expect(body.body).not.toHaveProperty('refreshToken');
  });

  it('a cookie session reads without a CSRF token (safe method)', async () => {
    const jar = await signIn();
    const res = await h.call('GET', '/api/v1/me', {
      headers: { ...https, cookie: cookieHeader(jar) },
    });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(account.email);
  });

  it('SEC-46: cookie POST without, or with a wrong, CSRF token; cross-site; foreign Origin → 403', async () => {
    const jar = await signIn();
    const post = (headers: Record<string, string>) =>
      h.call('POST', '/api/v1/api-keys', {
        body: { name: 'k', permissions: ['tickets:read'] },
        headers: { ...https, cookie: cookieHeader(jar), ...headers },
      });
    const missing = await post({});
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf_failed');
    expect((await post({ 'x-csrf-token': 'forged' })).body.code).toBe('csrf_failed');
    // The cookie's value must match too: a planted cookie plus matching header is not enough.
    const planted = cookieHeader(jar).replace(/novumdesk_csrf=[^;]+/, 'novumdesk_csrf=forged');
    const tossed = await h.call('POST', '/api/v1/api-keys', {
      body: { name: 'k', permissions: ['tickets:read'] },
      headers: { ...https, cookie: planted, 'x-csrf-token': 'forged' },
    });
    expect(tossed.status).toBe(403);
    expect((await post({ 'x-csrf-token': jar.csrf, 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect((await post({ 'x-csrf-token': jar.csrf, origin: 'https://evil.example' })).status).toBe(
      403,
    );
    const ok = await post({ 'x-csrf-token': jar.csrf, origin, 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(201);
  });

  it('SEC-46: the same request with a Bearer token needs no CSRF token', async () => {
    const tokens = await h.login(account);
    const res = await h.call('POST', '/api/v1/api-keys', {
      token: tokens.accessToken,
      body: { name: 'k', permissions: ['tickets:read'] },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(201);
  });

  it('refreshes the cookies with the CSRF token only', async () => {
    const jar = await signIn();
    const without = await h.call('POST', '/api/v1/auth/session/refresh', {
      headers: { ...https, cookie: cookieHeader(jar) },
    });
    expect(without.status).toBe(403);
    const res = await h.call('POST', '/api/v1/auth/session/refresh', {
      headers: { ...https, cookie: cookieHeader(jar), 'x-csrf-token': jar.csrf },
    });
    expect(res.status).toBe(200);
    const raw = parseSetCookie(res.headers);
    expect(attributes(raw, '__Host-novumdesk_refresh').value).not.toBe(
      jar.cookies.get('__Host-novumdesk_refresh'),
    );
    expect(res.body.csrfToken).toBe(jar.csrf); // bound to the session, which continues
  });

  it('SEC-18: sign-out needs the CSRF token, clears the cookies, and the old cookies are dead', async () => {
    const jar = await signIn();
    const del = (headers: Record<string, string>) =>
      h.call('DELETE', '/api/v1/auth/session', {
        headers: { ...https, cookie: cookieHeader(jar), ...headers },
      });
    expect((await del({})).status).toBe(403);
    const out = await del({ 'x-csrf-token': jar.csrf });
    expect(out.status).toBe(204);
    const cleared = parseSetCookie(out.headers);
    expect(attributes(cleared, '__Host-novumdesk_session').value).toBe('');
    // Replaying the old cookies: the access cookie no longer authenticates, the refresh is refused.
    const me = await h.call('GET', '/api/v1/me', {
      headers: { ...https, cookie: cookieHeader(jar) },
    });
    expect(me.status).toBe(401);
    const again = await h.call('POST', '/api/v1/auth/session/refresh', {
      headers: { ...https, cookie: cookieHeader(jar), 'x-csrf-token': jar.csrf },
    });
    expect(again.status).toBe(401);
  });

  it('refuses a cross-site sign-in (login CSRF)', async () => {
    const res = await h.call('POST', '/api/v1/auth/session', {
      body: account,
      headers: { ...https, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_failed');
  });

  it('ignores a broken session cookie on public routes instead of failing them', async () => {
    const res = await h.call('GET', '/api/v1/meta', {
      headers: { ...https, cookie: '__Host-novumdesk_session=garbage' },
    });
    expect(res.status).toBe(200);
    expect(
      (
        await h.call('GET', '/api/v1/me', {
          headers: { ...https, cookie: '__Host-novumdesk_session=garbage' },
        })
      ).status,
    ).toBe(401);
  });

  it('plain HTTP on a loopback host: unprefixed cookies without Secure, still HttpOnly', async () => {
    const jar = await signIn({});
    const session = attributes(jar.raw, 'novumdesk_session');
    expect(session.attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(session.attrs).not.toContain('secure');
    expect(jar.raw.some((l) => l.startsWith('__Host-'))).toBe(false);
    const me = await h.call('GET', '/api/v1/me', { headers: { cookie: cookieHeader(jar) } });
    expect(me.status).toBe(200);
    // Over HTTPS only the __Host- names count: an unprefixed cookie is not a session there.
    const overTls = await h.call('GET', '/api/v1/me', {
      headers: { ...https, cookie: cookieHeader(jar) },
    });
    expect(overTls.status).toBe(401);
  });

  it('plain HTTP on another host: no browser session (https_required), cookies not read', async () => {
    const res = await h.call('POST', '/api/v1/auth/session', {
      body: account,
      headers: { 'x-forwarded-host': 'helpdesk.example' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('https_required');
    const jar = await signIn({});
    const me = await h.call('GET', '/api/v1/me', {
      headers: { cookie: cookieHeader(jar), 'x-forwarded-host': 'helpdesk.example' },
    });
    expect(me.status).toBe(401);
  });
});
