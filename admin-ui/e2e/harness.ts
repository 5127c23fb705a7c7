/**
 * The admin UI e2e harness: the whole helpdesk (core modules, the hello plugin, a fixture
 * plugin) on the embedded database or PostgreSQL (NOVUMDESK_TEST_DB), serving the built admin UI,
 * and Debian's Chromium driven by playwright-core. Not a suite itself (jest runs `*.spec.ts`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { defaultModules } from '@novumdesk/core';
import { createTestHelpdesk, type TestHelpdesk } from '@novumdesk/core/testing';
import hello from '../../examples/hello-plugin/src/index.js';
import { E2E_SECRET, e2ePlugin } from './fixtures/e2e-plugin.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const ADMIN = { email: 'operator@example.com', password: 'operator-Pa55-e2e' };
const here = path.dirname(fileURLToPath(import.meta.url));
/** Screenshots go to docs/screenshots/ when NOVUMDESK_E2E_SCREENSHOTS=1. */
export const SCREENSHOT_DIR = path.resolve(here, '../../docs/screenshots');

export interface E2e {
  t: TestHelpdesk;
  browser: Browser;
  /** Uncaught page errors, CSP violations and unresolved imports: must stay empty. */
  pageErrors: string[];
  newPage(context: BrowserContext, urlPath?: string): Promise<Page>;
  screenshot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  sql(text: string, params?: unknown[]): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The path + fragment of the last link mailed to `to` whose path contains `pathPart`. */
  mailedLink(to: string, pathPart: string): Promise<string>;
  /** A Bearer token of a user, for arranging data through the API. */
  token(email: string, password: string): Promise<string>;
  api<T = any>(token: string, method: string, urlPath: string, body?: unknown): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function startE2e(): Promise<E2e> {
  if (!existsSync(path.resolve(here, '../dist/index.html'))) {
    throw new Error('admin-ui/dist is missing: run `npm run build` first');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: apt-get install -y chromium (never download a browser)`,
    );
  }
  const t = await createTestHelpdesk({
    modules: defaultModules,
    config: {
      admin: ADMIN,
      plugins: [
        hello({ greeting: 'Welcome' }),
        e2ePlugin({
          endpoint: 'https://probe.example.test/in',
          apiToken: E2E_SECRET,
          verbose: true,
        }),
      ],
    },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  const shots = process.env.NOVUMDESK_E2E_SCREENSHOTS === '1';
  if (shots) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const sql: E2e['sql'] = (text, params = []) =>
    t.hd.orm.em.fork().getConnection().execute(text, params, 'all');

  async function api(token: string, method: string, urlPath: string, body?: unknown) {
    const res = await t.request(urlPath, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  return {
    t,
    browser,
    pageErrors,
    async newPage(context, urlPath) {
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (/Content Security Policy|Failed to resolve module specifier/i.test(msg.text())) {
          pageErrors.push(`console: ${msg.text()}`);
        }
      });
      if (urlPath) await page.goto(`${t.url}${urlPath}`);
      return page;
    },
    async screenshot(page, name, fullPage = false) {
      if (!shots) return;
      // The top of the page, whatever the test scrolled to.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
    },
    sql,
    async mailedLink(to, pathPart) {
      const rows = await sql(
        `select text from mail_message where lower(to_address) = lower(?) order by created_at desc`,
        [to],
      );
      for (const row of rows) {
        const match = (row.text as string)
          .match(/https?:\/\/\S+/g)
          ?.find((u) => u.includes(pathPart));
        if (match) {
          const url = new URL(match);
          return `${url.pathname}${url.hash}`;
        }
      }
      throw new Error(`no mail to ${to} with a ${pathPart} link`);
    },
    async token(email, password) {
      const res = await t.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    },
    api,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * Form controls and buttons without an accessible name (no label, aria-label or text): each is
 * described by its tag and id/class, so a failure says which one.
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea, button')) {
      if (el.type === 'hidden' || el.closest('[hidden]')) continue;
      const named =
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        (el.id && document.querySelector('label[for="' + el.id + '"]')) ||
        el.closest('label') ||
        (el.tagName === 'BUTTON' && el.textContent.trim());
      if (!named) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '.' + el.className));
    }
    return out;
  })()`);
}

/** Sign in through the UI (cookie session + CSRF), landing on `next`. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/admin/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
