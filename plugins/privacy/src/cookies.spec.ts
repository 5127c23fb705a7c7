/**
 * PRV-15 / PRV-16: the cookie inventory in `docs/cookies.md` is complete and true. Every cookie
 * the server sends through a browser session's whole life (sign-up, sign-in, refresh,
 * sign-out; over HTTPS behind a proxy and on plain loopback HTTP) must be listed, every listed
 * name must really be sent, session cookies carry their attributes, and no cookie name written
 * in the source code is missing from the table.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPrivacy, type MembersHarness, type Person } from './testkit.test.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Cookie names in the first column of the docs' cookie table. */
async function documentedCookies(): Promise<Set<string>> {
  const doc = await readFile(path.join(ROOT, 'docs/cookies.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Cookies'), doc.indexOf('## Browser storage'));
  const names = [...section.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!);
  return new Set(names);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (['node_modules', 'dist', '.git'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (/\.(ts|vue)$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name))
      files.push(full);
  }
  return files;
}

describe('cookie inventory (docs/cookies.md)', () => {
  let h: MembersHarness;
  let account: Person;
  const sent = new Map<string, string[]>();

  const record = (headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const name = line.slice(0, line.indexOf('='));
      sent.set(
        name,
        line
          .split(';')
          .slice(1)
          .map((a) => a.trim().toLowerCase()),
      );
    }
  };

  beforeAll(async () => {
    h = await startPrivacy([], { config: { trustProxy: true } });
    account = await h.signUp('cookies');
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  async function browserSession(headers: Record<string, string>) {
    const origin =
      headers['x-forwarded-proto'] === 'https' ? `https://${new URL(h.t.url).host}` : h.t.url;
    const post = (p: string, init: RequestInit = {}) =>
      h.t.request(p, {
        ...init,
        method: init.method ?? 'POST',
        headers: {
          'content-type': 'application/json',
          origin,
          'sec-fetch-site': 'same-origin',
          ...headers,
          ...(init.headers as Record<string, string>),
        },
      });
    const signIn = await post('/api/v1/auth/session', {
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(signIn.status).toBe(200);
    record(signIn.headers);
    const csrf = ((await signIn.json()) as { csrfToken: string }).csrfToken;
    const jar = signIn.headers
      .getSetCookie()
      .map((l) => l.split(';')[0])
      .join('; ');
    const refreshed = await post('/api/v1/auth/session/refresh', {
      headers: { cookie: jar, 'x-csrf-token': csrf },
    });
    record(refreshed.headers);
    const out = await post('/api/v1/auth/session', {
      method: 'DELETE',
      headers: { cookie: jar, 'x-csrf-token': csrf },
    });
    record(out.headers);
    // Pages and API calls that are not sign-in set nothing.
    const page = await h.t.request('/admin/', { headers });
    record(page.headers);
  }

  it('lists exactly the cookies the server sends, with their attributes', async () => {
    // Sign-up and token sign-in over the API set no cookie.
    const login = await h.t.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(login.headers.getSetCookie()).toEqual([]);
    await browserSession({ 'x-forwarded-proto': 'https' });
    await browserSession({});
    const documented = await documentedCookies();
    expect([...sent.keys()].sort()).toEqual([...documented].sort());
    // PRV-15: session cookies over HTTPS.
    for (const name of ['__Host-novumdesk_session', '__Host-novumdesk_refresh']) {
      expect(sent.get(name)).toEqual(expect.arrayContaining(['path=/', 'secure', 'httponly']));
    }
    expect(sent.get('__Host-novumdesk_session')).toContain('samesite=lax');
  }, 60000);

  it('has no cookie name in the source code that the inventory does not list', async () => {
    const documented = await documentedCookies();
    const files = [
      ...(await sourceFiles(path.join(ROOT, 'core/src'))),
      ...(await sourceFiles(path.join(ROOT, 'plugins'))),
      ...(await sourceFiles(path.join(ROOT, 'admin-ui/src'))),
    ];
    const found = new Set<string>();
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      // In code that sets cookies: names given as literals, and the app's cookie-name constants.
      if (!/cookies\.set\(|document\.cookie\s*=/.test(text)) continue;
      for (const m of text.matchAll(/cookies\.set\(\s*'([^']+)'/g)) found.add(m[1]!);
      for (const m of text.matchAll(/document\.cookie\s*=\s*[`'"]([^=`'"]+)=/g)) found.add(m[1]!);
      for (const m of text.matchAll(/'((?:__Host-)?novumdesk_[a-z_]+)'/g)) found.add(m[1]!);
    }
    expect(found.size).toBeGreaterThan(0);
    for (const name of found) expect(documented).toContain(name);
  }, 60000);
});
