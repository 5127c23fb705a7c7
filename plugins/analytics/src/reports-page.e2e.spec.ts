/**
 * The Reports page in real headless Chromium: the built admin UI (admin-ui/dist) and this
 * plugin's panel bundle (dist/admin, `npm run build:admin`), on a helpdesk with tickets. The
 * charts render (canvas present, no page errors), the dashboard widget shows, and a bar and a
 * table count both drill down to the tickets they count.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createTestHelpdesk, eventually, type TestHelpdesk } from '@novumdesk/core/testing';
import { identityModule } from '../../../core/src/identity/index.js';
import { processingModule } from '../../../core/src/processing/index.js';
import { membersModule } from '../../../core/src/members/index.js';
import { contactsModule } from '../../../core/src/contacts/index.js';
import { ticketsModule } from '../../../core/src/tickets/index.js';
import { inboxesModule } from '../../../core/src/inboxes/index.js';
import { ADMIN, CHROMIUM, CHROMIUM_ARGS, signIn } from '../../../admin-ui/e2e/harness.js';
import analytics from './index.js';

const built =
  existsSync(fileURLToPath(new URL('../../../admin-ui/dist/index.html', import.meta.url))) &&
  existsSync(
    fileURLToPath(new URL('../../../admin-ui/dist/shared/admin-sdk.js', import.meta.url)),
  ) &&
  existsSync(fileURLToPath(new URL('../dist/admin/panels.js', import.meta.url))) &&
  existsSync(CHROMIUM);
const describeBuilt = built ? describe : describe.skip;

describeBuilt('Reports page in Chromium', () => {
  let t: TestHelpdesk;
  let browser: Browser;
  const pageErrors: string[] = [];
  const numbers: number[] = [];

  beforeAll(async () => {
    t = await createTestHelpdesk({
      modules: [
        identityModule,
        processingModule,
        membersModule,
        contactsModule,
        ticketsModule,
        inboxesModule,
      ],
      config: { admin: ADMIN, plugins: [analytics()] },
    } as never);
    const login = await t.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await t.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ id: string; number: number }>;
    };
    for (let i = 0; i < 3; i++) {
      const ticket = await call('POST', '/api/v1/tickets', {
        subject: `Printer ${i}`,
        requester: { email: `r${i}@example.test` },
        message: { body: 'Help' },
      });
      numbers.push(ticket.number);
      if (i === 0) await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved' });
    }
    await eventually(async () => {
      const res = await t.request(
        `/api/p/analytics/reports/volume?from=${new Date().toISOString().slice(0, 10)}&to=${new Date().toISOString().slice(0, 10)}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const body = (await res.json()) as { totals?: { created: number; solved: number } };
      return body.totals?.created === 3 && body.totals.solved === 1;
    }, 20_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 30_000);

  it('renders charts and tables, and drills down from a bar and from a count', async () => {
    const context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('response', (res) => {
      // The realtime module is not loaded in this helpdesk: its stream answers 404.
      if (res.status() >= 400 && !res.url().endsWith('/api/v1/realtime')) {
        pageErrors.push(`${res.status()} ${res.url()}`);
      }
    });
    page.on('console', (msg) => {
      const text = msg.text();
      if (/Failed to load resource/.test(text)) return; // reported with its URL above
      if (msg.type() === 'error' || /Content Security Policy/i.test(text)) {
        pageErrors.push(`console: ${msg.text()}`);
      }
    });
    try {
      await signIn(page, t.url, ADMIN.email, ADMIN.password);
    } catch (error) {
      const html = (await page.content()).slice(0, 1500);
      throw new Error(`${(error as Error).message}\n${pageErrors.join('\n')}\n${html}`, {
        cause: error,
      });
    }

    // The dashboard widget.
    await page.goto(`${t.url}/admin/`);
    const widget = page.getByTestId('analytics-widget');
    await widget.getByText(/3\s+created/).waitFor();
    await widget.locator('canvas').first().waitFor();

    // The Reports page, from its side-nav entry (a full load of /admin/plugins/<id>/<panel> is
    // answered by the plugin-asset route, not the SPA), on today only.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.waitForURL(/\/admin\/plugins\/analytics\/reports$/);
    const reports = page.getByTestId('analytics-reports');
    await reports.waitFor().catch(async (error: unknown) => {
      const text = await page
        .locator('main')
        .innerText()
        .catch(() => '');
      throw new Error(`${(error as Error).message}\n${pageErrors.join('\n')}\n${text}`, {
        cause: error,
      });
    });
    const today = new Date().toISOString().slice(0, 10);
    await reports.locator('input[name=from]').fill(today);
    await reports.locator('input[name=to]').fill(today);
    const table = page.getByTestId('analytics-volume-table');
    await table.getByRole('row', { name: new RegExp(today) }).waitFor();
    // Both charts (volume, times) render to a canvas.
    await page.locator('[data-testid=analytics-chart] canvas').nth(1).waitFor();

    // A count in the table beside the chart lists its tickets.
    await table.getByRole('button', { name: /^Solved .*: list the 1 tickets/ }).click();
    const drill = page.getByTestId('analytics-drill');
    await drill.getByText('Solved ·').waitFor();
    await expect(drill.getByRole('link').allTextContents()).resolves.toEqual([`#${numbers[0]}`]);

    // A click on the "Created" bar of the chart lists the three created tickets.
    const chart = page.getByTestId('analytics-chart').first();
    const box = (await chart.boundingBox())!;
    const plotLeft = box.x + 40;
    const plotWidth = box.width - 40 - 16;
    // The bars grow in with an animation: a click that lands before the bar is there hits
    // nothing, so click again until the list opens (a few tries, then fail).
    const created = drill.getByText('Created ·');
    for (let attempt = 0; attempt < 10 && !(await created.isVisible()); attempt++) {
      await page.mouse.click(plotLeft + plotWidth * 0.42, box.y + box.height - 48 - 20);
      await created.waitFor({ timeout: 1_000 }).catch(() => undefined);
    }
    await created.waitFor();
    await expect(drill.getByRole('link').count()).resolves.toBe(3);

    // The ticket link opens the ticket in the admin UI.
    await drill.getByRole('link').first().click();
    await page.waitForURL(/\/admin\/tickets\//);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 90_000);
});
