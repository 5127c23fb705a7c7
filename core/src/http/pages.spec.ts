/**
 * Public page mounts (`ctx.page`): a plugin serves anonymous pages outside `/api`, on its paths
 * and on host names it claims, with its own Content-Security-Policy, and never sees the
 * caller's authentication.
 */
import { request as httpRequest } from 'node:http';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { createTestHelpdesk, type TestHelpdesk } from '../testing/index.js';
import { assertPageMounts, pathIsUnder, type PageMountDeclaration } from './pages.js';

const seenActors: unknown[] = [];
let lateContext: { page(mount: unknown): void } | undefined;

const pages = definePlugin({
  id: 'pages-probe',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  register(ctx) {
    lateContext = ctx as unknown as { page(mount: unknown): void };
    ctx.page({
      name: 'site',
      paths: ['/site', '/robots.txt'],
      claimsHost: (host) => host === 'docs.example.test',
      async handle({ koa, scope, host, byHost }) {
        seenActors.push(scope.cradle.actor);
        if (koa.path.endsWith('/missing')) return false;
        koa.set('Content-Security-Policy', "default-src 'none'");
        koa.set('Cache-Control', 'public, max-age=60');
        koa.type = 'text/html';
        koa.body = `<p>${byHost ? 'host' : 'path'} ${host} ${koa.path}</p>`;
        return true;
      },
    });
  },
});

/** A GET with a chosen Host header (fetch does not let a caller set it). */
function get(url: string, path: string, headers: Record<string, string> = {}) {
  const target = new URL(url);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = httpRequest(
        { hostname: target.hostname, port: target.port, path, headers },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('public page mounts', () => {
  let t: TestHelpdesk;
  let authenticateCalls = 0;
  beforeAll(async () => {
    t = await createTestHelpdesk({
      plugins: [pages],
      adminUi: false,
      authenticate: async () => {
        authenticateCalls++;
        return { kind: 'user', id: 'someone', permissions: [] };
      },
    });
  }, 60_000);
  afterAll(() => t?.close(), 30_000);

  it('serves a mount’s paths anonymously, with the page’s own CSP and caching', async () => {
    const before = authenticateCalls;
    const res = await get(t.url, '/site/a/b', { cookie: 'session=whatever' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(`<p>path ${new URL(t.url).hostname} /site/a/b</p>`);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(authenticateCalls).toBe(before);
    expect(seenActors.at(-1)).toBeNull();
    expect((await get(t.url, '/robots.txt')).status).toBe(200);
  });

  it('owns a prefix, not names that merely start with it', async () => {
    const res = await get(t.url, '/sitemap');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('passes on what the page does not handle', async () => {
    const res = await get(t.url, '/site/missing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers every path of a claimed host but /api', async () => {
    const root = await get(t.url, '/', { host: 'Docs.Example.test:8080' });
    expect(root.status).toBe(200);
    expect(root.body).toBe('<p>host docs.example.test /</p>');
    const api = await get(t.url, '/api/v1/openapi.json', { host: 'docs.example.test' });
    expect(api.status).toBe(200);
    expect(api.headers['content-type']).toMatch(/json/);
    const other = await get(t.url, '/anything', { host: 'other.example.test' });
    expect(other.status).toBe(404);
  });

  it('refuses declarations after register() returned', () => {
    expect(() => lateContext!.page({ name: 'late', paths: ['/late'], handle: () => true })).toThrow(
      /after register\(\) returned/,
    );
  });

  it('refuses malformed and overlapping paths, naming both owners', () => {
    const mount = (pluginId: string, paths: string[], name = 'm'): PageMountDeclaration => ({
      pluginId,
      mount: { name, paths, handle: async () => true },
    });
    expect(() => assertPageMounts([mount('a', ['/api/x'])])).toThrow(
      /overlaps "\/api" of the kernel/,
    );
    expect(() => assertPageMounts([mount('a', ['/'])])).toThrow(/must look like/);
    expect(() => assertPageMounts([mount('a', ['/help/'])])).toThrow(/must look like/);
    expect(() => assertPageMounts([mount('a', ['/help']), mount('b', ['/help/x'])])).toThrow(
      /plugin "b".*overlaps "\/help" of plugin "a"/,
    );
    expect(() => assertPageMounts([mount('a', [])])).toThrow(/neither paths nor claimsHost/);
    expect(() =>
      assertPageMounts([mount('a', ['/help']), mount('b', ['/helpdesk'])]),
    ).not.toThrow();
    expect(pathIsUnder('/help/x', '/help')).toBe(true);
    expect(pathIsUnder('/helpx', '/help')).toBe(false);
  });
});
