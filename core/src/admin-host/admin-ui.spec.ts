import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pluginAssetUrl } from './admin-ui.js';
import { rawGet, startAdminApp, type AdminHarness } from './harness.test.js';

const PLACEHOLDER = '__NOVUMDESK_CSP_NONCE__';
const vueVersion = (
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve('vue/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** A minimal admin UI build, shaped like Vite's output plus the shared-deps manifest. */
function fakeBuild(dir: string): void {
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  mkdirSync(path.join(dir, 'shared'), { recursive: true });
  mkdirSync(path.join(dir, '.vite'), { recursive: true });
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><script type="importmap" nonce="${PLACEHOLDER}">{}</script><div id="app"></div>`,
  );
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(dir, '.vite', 'manifest.json'), '{}');
  writeFileSync(path.join(dir, 'shared', 'admin-sdk.js'), 'export const sdk = 1;');
  writeFileSync(
    path.join(dir, 'shared-deps.json'),
    JSON.stringify({
      imports: {},
      files: {
        [`vue-${vueVersion}.js`]: {
          package: 'vue',
          version: vueVersion,
          file: 'dist/vue.runtime.esm-browser.prod.js',
        },
        'pinia-0.0.0.js': {
          package: 'pinia',
          version: '0.0.0',
          file: 'dist/pinia.esm-browser.prod.js',
        },
        'admin-sdk.js': { dist: 'shared/admin-sdk.js' },
      },
      noncePlaceholder: PLACEHOLDER,
    }),
  );
}

const nonceOf = (csp: string | string[] | undefined) =>
  /script-src[^;]*'nonce-([^']+)'/.exec(String(csp))?.[1];

describe('admin host: serving the built SPA', () => {
  let base: string;
  let h: AdminHarness;
  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-admin-'));
    const dist = path.join(base, 'admin-ui', 'dist');
    fakeBuild(dist);
    const plugin = path.join(base, 'plugin-demo');
    mkdirSync(path.join(plugin, 'chunks'), { recursive: true });
    writeFileSync(path.join(plugin, 'admin.js'), 'export default {}');
    writeFileSync(path.join(plugin, 'chunks', 'x.mjs'), 'export const x = 1');
    writeFileSync(path.join(base, 'secret.txt'), 'do not serve');
    h = await startAdminApp({ distDir: dist, pluginAssets: { demo: plugin } });
  });
  afterAll(async () => {
    await h.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('redirects / and /admin to /admin/ (keeping the query)', async () => {
    const root = await rawGet(h.port, '/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/admin/');
    const admin = await rawGet(h.port, '/admin?x=1');
    expect(admin.status).toBe(302);
    expect(admin.headers.location).toBe('/admin/?x=1');
  });

  it('serves index.html for the SPA and its client-side routes with the response nonce injected', async () => {
    for (const p of [
      '/admin/',
      '/admin/index.html',
      '/admin/system',
      '/admin/plugins-x/a/b',
      '/admin/contacts/ann@example.com',
    ]) {
      const res = await rawGet(h.port, p);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      const nonce = nonceOf(res.headers['content-security-policy']);
      expect(nonce).toBeTruthy();
      expect(res.body).toContain(`<script type="importmap" nonce="${nonce}">`);
      expect(res.body).not.toContain(PLACEHOLDER);
    }
    const a = await rawGet(h.port, '/admin/');
    const b = await rawGet(h.port, '/admin/');
    expect(nonceOf(a.headers['content-security-policy'])).not.toBe(
      nonceOf(b.headers['content-security-policy']),
    );
  });

  it('serves hashed assets as immutable, other files revalidated, with ETag and 304', async () => {
    const js = await rawGet(h.port, '/admin/assets/index-AbC123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-length']).toBe('14');
    expect(js.body).toBe('console.log(1)');
    const css = await rawGet(h.port, '/admin/assets/index-AbC123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');

    const icon = await rawGet(h.port, '/admin/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
    const etag = icon.headers.etag!;
    expect(etag).toMatch(/^W\/"/);
    const again = await rawGet(h.port, '/admin/favicon.svg', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');

    const head = await rawGet(h.port, '/admin/assets/index-AbC123.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('14');
    expect(head.body).toBe('');
  });

  it('answers missing assets with a problem+json 404, not the SPA', async () => {
    for (const p of [
      '/admin/assets/gone.js',
      '/admin/assets/whatever',
      '/admin/missing.js',
      '/admin/x/logo.png',
    ]) {
      const res = await rawGet(h.port, p);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('serves the shared modules of the import map from node_modules and the build', async () => {
    const vue = await rawGet(h.port, `/admin/shared/vue-${vueVersion}.js`);
    expect(vue.status).toBe(200);
    expect(vue.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(vue.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(vue.body).toContain(`"${vueVersion}"`);
    // Built against another version than the one installed: served, but not as immutable.
    const pinia = await rawGet(h.port, '/admin/shared/pinia-0.0.0.js');
    expect(pinia.status).toBe(200);
    expect(pinia.headers['cache-control']).toBe('no-cache');
    expect(h.logs.text()).toContain('installed version differs');
    const sdk = await rawGet(h.port, '/admin/shared/admin-sdk.js');
    expect(sdk.status).toBe(200);
    expect(sdk.headers['cache-control']).toBe('no-cache');
    expect(sdk.body).toBe('export const sdk = 1;');
    expect((await rawGet(h.port, '/admin/shared/react.js')).status).toBe(404);
  });

  it('serves plugin bundles from their declared directory', async () => {
    expect(pluginAssetUrl('demo', 'chunks/x.mjs')).toBe('/admin/plugins/demo/chunks/x.mjs');
    const res = await rawGet(h.port, pluginAssetUrl('demo', 'admin.js'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect((await rawGet(h.port, '/admin/plugins/demo/chunks/x.mjs')).status).toBe(200);
    expect((await rawGet(h.port, '/admin/plugins/other/admin.js')).status).toBe(404);
    // A name that is not a file is the SPA's plugin-page route (a reload must not 404).
    for (const route of ['/admin/plugins/demo/', '/admin/plugins/demo/reports']) {
      const page = await rawGet(h.port, route);
      expect([route, page.status, page.headers['content-type']]).toEqual([
        route,
        200,
        expect.stringMatching(/^text\/html/),
      ]);
    }
    expect((await rawGet(h.port, '/admin/plugins/demo/missing.js')).status).toBe(404);
  });

  it('refuses path traversal and hidden files everywhere', async () => {
    const attempts = [
      '/admin/plugins/demo/../../secret.txt',
      '/admin/plugins/demo/%2e%2e/secret.txt',
      '/admin/plugins/demo/..%2F..%2Fsecret.txt',
      '/admin/plugins/demo/..%5C..%5Csecret.txt',
      '/admin/plugins/demo/%2e%2e%2fsecret.txt',
      '/admin/assets/../../secret.txt',
      '/admin/assets/%2e%2e/%2e%2e/secret.txt',
      '/admin/shared/..%2F..%2Fsecret.txt',
      '/admin/.vite/manifest.json',
      '/admin/%2evite/manifest.json',
      '/admin/plugins/demo/admin.js%00.txt',
    ];
    for (const p of attempts) {
      const res = await rawGet(h.port, p);
      expect([p, res.status]).toEqual([p, 404]);
      expect(res.body).not.toContain('do not serve');
    }
    const malformed = await rawGet(h.port, '/admin/plugins/demo/%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('leaves other paths and methods to the API (problem+json 404)', async () => {
    const res = await rawGet(h.port, '/nowhere');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'not_found' });
    const post = await rawGet(h.port, '/admin/', {}, 'POST');
    expect(post.status).toBe(404);
  });
});

describe('admin host: no build', () => {
  let base: string;
  let h: AdminHarness;
  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-admin-empty-'));
    const plugin = path.join(base, 'plugin');
    mkdirSync(plugin);
    writeFileSync(path.join(plugin, 'admin.js'), 'export default {}');
    h = await startAdminApp({
      distDir: path.join(base, 'dist'),
      pluginAssets: { demo: plugin },
    });
  });
  afterAll(async () => {
    await h.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('explains how to build, on every SPA path, instead of failing', async () => {
    for (const p of ['/admin/', '/admin/system']) {
      const res = await rawGet(h.port, p);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('The admin UI is not built');
      expect(res.body).toContain('npm run build');
      // The page's inline stylesheet carries this response's nonce.
      const nonce = /style-src[^;]*'nonce-([^']+)'/.exec(
        String(res.headers['content-security-policy']),
      )?.[1];
      expect(res.body).toContain(`<style nonce="${nonce}">`);
    }
    expect(h.logs.text()).toContain('admin UI unavailable');
    expect((await rawGet(h.port, '/admin/assets/index.js')).status).toBe(404);
    expect((await rawGet(h.port, '/admin/shared/admin-sdk.js')).status).toBe(404);
  });

  it('still serves plugin bundles', async () => {
    expect((await rawGet(h.port, '/admin/plugins/demo/admin.js')).status).toBe(200);
  });

  it('picks up a build made while the server runs', async () => {
    fakeBuild(path.join(base, 'dist'));
    const res = await rawGet(h.port, '/admin/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<div id="app">');
  });

  it('rejects a pluginAssets key that is not a plugin id', async () => {
    await expect(startAdminApp({ pluginAssets: { '../x': base } })).rejects.toThrow(
      /not a plugin id/,
    );
  });
});
