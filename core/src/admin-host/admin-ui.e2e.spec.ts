/**
 * End to end in real headless Chromium: the built admin UI (admin-ui/dist, from
 * `npm run build`) served by the admin host on the real HTTP app, with a plugin bundle loaded
 * at run time through the import map. Needs Debian's chromium at /usr/bin/chromium.
 *
 * Set NOVUMDESK_E2E_SCREENSHOTS=<dir> to save screenshots of the pages it visits.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { z } from 'zod';
import { API_PREFIX } from '../http/app.js';
import { healthRoutes } from '../http/health.routes.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { pluginAssetUrl } from './admin-ui.js';
import { startAdminApp, type AdminHarness } from './harness.test.js';
import { locateAdminUi } from './locate.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const FIXTURE_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'e2e-plugin',
);
const SCREENSHOTS = process.env.NOVUMDESK_E2E_SCREENSHOTS;
const ADMIN_TOKEN = 'Bearer e2e-admin';

const widgets = pluginAssetUrl('e2e-demo', 'widgets.js');
const PANELS = [
  // Listed out of order: the UI sorts by `order`.
  {
    pluginId: 'e2e-broken',
    id: 'boom',
    slot: 'dashboard.widgets',
    title: 'Broken widget',
    order: 20,
    entry: widgets,
    exportName: 'Broken',
  },
  {
    pluginId: 'e2e-demo',
    id: 'hello',
    slot: 'dashboard.widgets',
    title: 'Hello widget',
    order: 10,
    entry: widgets,
  },
  {
    pluginId: 'e2e-missing',
    id: 'gone',
    slot: 'dashboard.widgets',
    title: 'Missing bundle',
    order: 30,
    entry: pluginAssetUrl('e2e-missing', 'nope.js'),
  },
  {
    pluginId: 'e2e-demo',
    id: 'reports',
    slot: 'nav',
    title: 'Reports',
    order: 0,
    entry: widgets,
    exportName: 'ReportsPage',
  },
];

// What the kernel will serve for real; declared here so the test needs only the HTTP layer.
function apiRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/meta',
      operationId: 'getMeta',
      summary: 'Product name and version',
      access: 'public',
      responses: {
        200: { description: 'About', schema: z.object({ name: z.string(), version: z.string() }) },
      },
      handler: () => ({ name: 'NovumDesk', version: '9.8.7-e2e' }),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/extensions',
      operationId: 'getAdminExtensions',
      summary: 'Plugin panels for the current user',
      access: 'public',
      responses: { 200: { description: 'Panels' } },
      handler: () => ({ panels: PANELS }),
    }),
    defineRoute({
      method: 'get',
      path: '/system/plugins',
      operationId: 'listPlugins',
      summary: 'Loaded plugins',
      access: { permission: 'system:read' },
      responses: { 200: { description: 'Plugins' } },
      handler: () => [
        {
          id: 'core',
          version: '9.8.7-e2e',
          description: 'Kernel services',
          status: 'booted',
          builtin: true,
          dependsOn: [],
        },
        {
          id: 'e2e-demo',
          version: '1.2.3',
          description: 'Dashboard widget fixture',
          status: 'booted',
          builtin: false,
          dependsOn: ['core'],
        },
        {
          id: 'e2e-broken',
          version: '0.0.1',
          status: 'failed',
          builtin: false,
          dependsOn: ['core', 'e2e-demo'],
        },
      ],
    }),
  ];
}

describe('admin UI in Chromium', () => {
  let h: AdminHarness;
  let browser: Browser;
  /** Served as plugin e2e-missing: empty at first, so its panel fails until the bundle appears. */
  const lateDir = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-e2e-late-'));
  /** Uncaught errors and CSP violations: there must be none. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const located = locateAdminUi({ logger: pino({ level: 'silent' }) });
    if (!located.ok) {
      throw new Error(
        `${located.reason}: run \`npm run build\` (or \`npm run build -w @novumdesk/admin-ui\`) first`,
      );
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: apt-get install -y chromium (never download a browser)`,
      );
    }
    h = await startAdminApp({
      routeGroups: [
        {
          prefix: '',
          routes: healthRoutes({
            version: '9.8.7-e2e',
            readiness: async () => ({
              database: { ok: true, latencyMs: 2 },
              migrations: { ok: true, pending: [] },
            }),
          }),
        },
        { prefix: API_PREFIX, routes: apiRoutes() },
      ],
      authenticate: async (ctx) =>
        ctx.get('authorization') === ADMIN_TOKEN
          ? { kind: 'user', id: 'admin', permissions: ['system:read'] }
          : null,
      openapi: { title: 'NovumDesk', version: '9.8.7-e2e' },
      pluginAssets: { 'e2e-demo': FIXTURE_DIR, 'e2e-missing': lateDir },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    rmSync(lateDir, { recursive: true, force: true });
  });

  async function open(context: BrowserContext, urlPath: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Failed to resolve module specifier/i.test(msg.text())) {
        pageErrors.push(`console: ${msg.text()}`);
      }
    });
    await page.goto(`${h.url}${urlPath}`);
    return page;
  }

  async function screenshot(page: Page, name: string) {
    if (SCREENSHOTS)
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('loads the shell at /admin/ (from /), with landmarks', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/');
    expect(new URL(page.url()).pathname).toBe('/admin/');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('banner').getByText('NovumDesk').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    expect(await page.getByRole('main').isVisible()).toBe(true);
    expect(await page.getByLabel('Workspace').isDisabled()).toBe(true);
    const docs = page.getByRole('link', { name: 'API docs' });
    expect(await docs.getAttribute('href')).toBe('/api/v1/docs');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('mounts plugin panels at run time, isolates a failing one, and shares one Vue', async () => {
    const context = await browser.newContext();
    // Every script the page runs, to count the copies of Vue among them.
    const scripts: Promise<string>[] = [];
    context.on('response', (res) => {
      if (res.request().resourceType() === 'script' && res.ok()) scripts.push(res.text());
    });
    const page = await open(context, '/admin/');

    const hello = page.locator('[data-panel="hello"]');
    await hello.getByText('Hello from e2e-demo').waitFor();
    // The panel's pinia is the host's, and its SDK call went through the shared client.
    expect(await hello.locator('[data-test="pinia"]').textContent()).toBe('host store: shared');
    expect(await hello.locator('[data-test="meta"]').textContent()).toBe(
      'server NovumDesk 9.8.7-e2e',
    );

    const broken = page.locator('[data-panel="boom"]');
    await broken.getByText('Panel failed (plugin e2e-broken)').waitFor();
    expect(await broken.getByRole('alert').textContent()).toContain('fixture panel exploded');
    const missing = page.locator('[data-panel="gone"]');
    await missing.getByText('Panel failed (plugin e2e-missing)').waitFor();

    // Cards in `order`, titled, each a labelled region.
    const titles = await page.locator('.dashboard-grid .card__title').allTextContents();
    expect(titles).toEqual(['Hello widget', 'Broken widget', 'Missing bundle']);
    expect(await page.getByRole('region', { name: 'Hello widget' }).count()).toBe(1);
    await screenshot(page, 'dashboard');

    // "Try again" really retries: once the bundle exists, the failed panel loads in place.
    writeFileSync(
      path.join(lateDir, 'nope.js'),
      "import { h } from 'vue';\nexport default { setup: () => () => h('p', 'late bundle loaded') };\n",
    );
    await missing.getByRole('button', { name: 'Try again' }).click();
    await missing.getByText('late bundle loaded').waitFor();
    expect(await hello.getByText('Hello from e2e-demo').isVisible()).toBe(true);

    // One Vue: exactly one loaded script is the Vue runtime (it sets the __VUE__ flag) and it
    // is the one the import map names.
    const bodies = await Promise.all(scripts);
    expect(bodies.filter((body) => body.includes('__VUE__'))).toHaveLength(1);
    const importMap = JSON.parse(
      (await page.locator('script[type="importmap"]').textContent()) ?? '{}',
    ) as { imports: Record<string, string> };
    expect(importMap.imports.vue).toMatch(/^\/admin\/shared\/vue-[\d.]+\.js$/);
    // A string, so neither swc nor jest rewrites the dynamic imports meant for the page.
    const sameVue = await page.evaluate(
      `Promise.all([import('vue'), import(${JSON.stringify(importMap.imports.vue)})])
        .then(([viaMap, viaUrl]) => viaMap === viaUrl)`,
    );
    expect(sameVue).toBe(true);

    // A plugin's nav contribution is a page of its own.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.getByText('Reports page of e2e-demo').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/plugins/e2e-demo/reports');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows live server status on the System page, and "sign in required" for plugins', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/admin/');
    await page.getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { level: 1, name: 'System' }).waitFor();
    const liveness = page.getByRole('region', { name: 'Liveness' });
    await liveness.getByText('Up', { exact: true }).waitFor();
    expect(await liveness.locator('dd').first().textContent()).toBe('9.8.7-e2e');
    const readiness = page.getByRole('region', { name: 'Readiness' });
    await readiness.getByText('Ready', { exact: true }).waitFor();
    expect(await readiness.textContent()).toContain('Up to date');
    await page.getByRole('region', { name: 'API' }).getByText('9.8.7-e2e').waitFor();
    const plugins = page.getByRole('region', { name: 'Plugins' });
    await plugins.getByText('Sign in required').waitFor();
    expect(await plugins.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'system-signed-out');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('renders the plugin table for a signed-in administrator', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: ADMIN_TOKEN } });
    const page = await open(context, '/admin/system');
    const table = page.getByRole('table', { name: 'Plugins and core modules on this server' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).textContent()).toContain('e2e-demo');
    expect(await rows.nth(1).textContent()).toContain('1.2.3');
    expect(await rows.nth(2).textContent()).toContain('failed');
    await page
      .getByRole('region', { name: 'Readiness' })
      .getByText('Ready', { exact: true })
      .waitFor();
    await screenshot(page, 'system');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
