/**
 * The agents' workspace end to end: the built admin UI served by the real helpdesk (all core
 * modules, the hello plugin and a fixture plugin) on the embedded database or PostgreSQL, in
 * Debian's Chromium. One story, in order: sign up, invite, sign in, live queue, ticket work,
 * bulk close, search, contact import, plugin panels and settings.
 *
 * NOVUMDESK_E2E_SCREENSHOTS=1 saves screenshots of the main screens to docs/screenshots/.
 */
import { renameSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { eventually } from '@novumdesk/core/testing';
import { ADMIN, signIn, startE2e, unlabelledControls, type E2e } from './harness.js';
import { E2E_SECRET, PANELS_DIR } from './fixtures/e2e-plugin.js';

const OWNER = {
  email: 'olivia.owner@example.com',
  password: 'owner-Pa55-e2e-long',
  name: 'Olivia Owner',
  workspace: 'Acme Support',
};
const AGENT = {
  email: 'adam.agent@example.com',
  password: 'agent-Pa55-e2e-long',
  name: 'Adam Agent',
};

// A real browser on a shared 2-core machine: generous, but bounded.
jest.setTimeout(90_000);

/** Picks a saved view in the queue's sidebar. */
async function openView(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: 'Ticket views' })
    .getByRole('button', { name })
    .click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe('admin UI: the agents’ workspace in Chromium', () => {
  let e: E2e;
  let owner: BrowserContext;
  let page: Page;
  let ownerToken: string;

  beforeAll(async () => {
    e = await startE2e();
    owner = await e.browser.newContext({ viewport: { width: 1440, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await owner?.close();
    await e?.close();
  });

  it('signs up a workspace, confirms the email, and signs in with a cookie session', async () => {
    page = await e.newPage(owner, '/');
    // Signed out: `/` → /admin/ → the sign-in page.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await e.screenshot(page, 'sign-in');

    await page.getByRole('link', { name: 'Create a workspace' }).click();
    await page.getByLabel('Workspace name').fill(OWNER.workspace);
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByLabel('I accept the terms').check();
    await page.getByLabel('I am at least 13').check();
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByTestId('signup-done').waitFor();

    await page.goto(`${e.t.url}${await e.mailedLink(OWNER.email, '/admin/verify-email')}`);
    await page.getByTestId('verified').waitFor();
    const [user] = await e.sql(`select email_verified_at from user_account where email = ?`, [
      OWNER.email,
    ]);
    expect(user.email_verified_at).not.toBeNull();

    await signIn(page, e.t.url, OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    // The session is cookies only: HttpOnly tokens, a readable CSRF token.
    const cookies = await owner.cookies();
    expect(cookies.find((c) => c.name === 'novumdesk_session')?.httpOnly).toBe(true);
    expect(cookies.find((c) => c.name === 'novumdesk_csrf')?.httpOnly).toBe(false);
    expect(await page.getByLabel('Workspace').inputValue()).toBeTruthy();
    ownerToken = await e.token(OWNER.email, OWNER.password);
  });

  it('invites an agent, who accepts and signs in', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await page.getByTestId('invite-email').fill(AGENT.email);
    await page.getByTestId('invite-role').selectOption({ label: 'Agent' });
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByTestId('invitations').getByText(AGENT.email).waitFor();
    await e.screenshot(page, 'settings-members');
    expect(await unlabelledControls(page)).toEqual([]);

    const agentContext = await e.browser.newContext();
    const agentPage = await e.newPage(
      agentContext,
      await e.mailedLink(AGENT.email, '/admin/accept-invitation'),
    );
    await agentPage.getByLabel('Your name').fill(AGENT.name);
    await agentPage.getByLabel('Password').fill(AGENT.password);
    await agentPage.getByRole('button', { name: 'Accept the invitation' }).click();
    await agentPage.getByTestId('invitation-accepted').waitFor();
    await signIn(agentPage, e.t.url, AGENT.email, AGENT.password);
    await agentPage.getByText('Welcome back, Adam Agent.').waitFor();
    await agentContext.close();
  });

  it('shows a new ticket in the queue live, without a reload', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tickets' })
      .click();
    await openView(page, 'All open');
    await page.getByText('No tickets here').waitFor();
    await e.api(ownerToken, 'POST', '/api/v1/tickets', {
      subject: 'Printer on fire',
      requester: { email: 'ann@customer.test', name: 'Ann Customer' },
      message: { body: 'The office printer is smoking. Please help!' },
    });
    // Server-sent events (or the polling fallback) bring it in.
    await page.getByRole('row').filter({ hasText: 'Printer on fire' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('queue-count').textContent()).toBe('1 ticket');
    // It came over the event stream, not a poll.
    expect(await page.getByTestId('live-status').textContent()).toContain('Live');
    await e.screenshot(page, 'queue');
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('replies, adds a note and changes the status on the ticket page', async () => {
    await page.getByRole('link', { name: 'Printer on fire' }).click();
    await page.getByRole('heading', { level: 1, name: /Printer on fire/ }).waitFor();
    await page.getByText('The office printer is smoking.').waitFor();

    await page.getByLabel('Reply to the requester').fill('We are on our way with an extinguisher.');
    // An attachment: uploaded first, then sent with the reply.
    await page.getByLabel('Attach files').setInputFiles({
      name: 'checklist.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('1. Unplug the printer\n2. Do not use water\n'),
    });
    await page.getByRole('button', { name: 'Remove checklist.txt' }).waitFor();
    await page.getByTestId('send').click();
    const reply = page.locator('[data-kind="reply"]').filter({ hasText: 'extinguisher' });
    await reply.waitFor();
    const link = reply.getByRole('link', { name: /checklist\.txt/ });
    expect(await link.getAttribute('href')).toMatch(/^\/api\/v1\/attachments\/[0-9a-f-]{36}$/);

    await page.getByTestId('mode-note').click();
    await page.getByLabel('Internal note for the team').fill('Facilities informed.');
    await page.getByTestId('send').click();
    await page.locator('[data-kind="note"]').filter({ hasText: 'Facilities informed.' }).waitFor();

    await page.getByTestId('ticket-status').selectOption('pending');
    await page.getByTestId('ticket-status-pill').getByText('Pending').waitFor();
    // The pill changes at once (optimistic); the server's write follows.
    await eventually(async () => {
      const [row] = await e.sql(`select status from ticket where subject = ?`, ['Printer on fire']);
      return row.status === 'pending';
    });

    // The requester card and the plugin panels of the ticket sidebar.
    await page.getByRole('region', { name: 'Requester' }).getByText('Ann Customer').waitFor();
    const hello = page.getByRole('region', { name: 'Hello' });
    await hello.getByText('was opened by').waitFor();
    await hello.getByRole('button', { name: /Greet Ann Customer/ }).click();
    await hello.getByTestId('hello-greeting-text').getByText('Welcome, Ann Customer!').waitFor();
    // The broken panel is contained: an inline error in its card, the page still works.
    const broken = page.locator('[data-panel="boom"]');
    await broken.getByText('Panel failed (plugin e2e-probe)').waitFor();
    expect(await broken.getByRole('alert').textContent()).toContain('fixture panel exploded');
    await e.screenshot(page, 'ticket', true);
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('edits a custom field and a custom status of the ticket', async () => {
    await e.api(ownerToken, 'POST', '/api/v1/ticket-fields', {
      key: 'device',
      label: 'Device',
      type: 'dropdown',
      options: [
        { value: 'printer', label: 'Printer' },
        { value: 'laptop', label: 'Laptop' },
      ],
    });
    await e.api(ownerToken, 'POST', '/api/v1/ticket-statuses', {
      name: 'Waiting for parts',
      category: 'pending',
    });
    await page.reload();
    await page.getByLabel('Device').selectOption('printer');
    await page.getByLabel('Custom status').selectOption({ label: 'Waiting for parts' });
    await eventually(async () => {
      const [row] = await e.sql(
        `select custom_fields, status_id from ticket where subject = 'Printer on fire'`,
      );
      return row.custom_fields?.device === 'printer' && row.status_id !== null;
    });
  });

  it('tells an agent that someone else is replying to the same ticket', async () => {
    const ticketUrl = page.url();
    const agentContext = await e.browser.newContext();
    const agentPage = await e.newPage(agentContext);
    await signIn(agentPage, e.t.url, AGENT.email, AGENT.password);
    await agentPage.goto(ticketUrl);
    await agentPage.getByLabel('Reply to the requester').fill('I can take this one');
    const hint = page.getByTestId('presence-hint');
    await hint.getByText('Adam Agent is replying…').waitFor({ timeout: 20_000 });
    await agentContext.close();
  });

  it('bulk-closes selected tickets from the queue', async () => {
    for (const n of [1, 2, 3]) {
      await e.api(ownerToken, 'POST', '/api/v1/tickets', {
        subject: `Bulk case ${n}`,
        requester: { email: `bulk${n}@customer.test` },
        message: { body: `Case ${n}` },
      });
    }
    await page.goto(`${e.t.url}/admin/tickets`);
    await openView(page, 'All open');
    for (const n of [1, 2, 3])
      await page
        .getByRole('row')
        .filter({ hasText: `Bulk case ${n}` })
        .waitFor();
    for (const n of [1, 2]) await page.getByLabel(new RegExp(`Select ticket #${n + 1}$`)).check();
    await page.getByTestId('selected-count').getByText('2 selected').waitFor();
    await page.getByTestId('bulk-close').click();
    await page.getByText('2 tickets closed').waitFor();
    // Closed tickets leave the "All open" view; the third stays.
    await eventually(
      async () => (await page.getByRole('row').filter({ hasText: 'Bulk case' }).count()) === 1,
    );
    const rows = await e.sql(
      `select subject, status from ticket where subject like 'Bulk case %' order by subject`,
    );
    expect(rows.map((r) => r.status)).toEqual(['closed', 'closed', 'new']);
  });

  it('searches tickets and moves with the keyboard', async () => {
    // The top bar searches tickets and contacts as you type.
    await page.getByRole('combobox', { name: 'Search tickets and contacts' }).fill('printer');
    await page.getByRole('option', { name: /#1 Printer on fire/ }).click();
    await page.waitForURL(/\/admin\/tickets\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: /Printer on fire/ }).waitFor();
    await page.goBack();
    await page.locator('#queue-search').waitFor();
    await page.locator('#queue-search').fill('printer');
    await eventually(async () => (await page.locator('.grid__row').count()) === 1);
    await page.getByRole('row').filter({ hasText: 'Printer on fire' }).waitFor();
    await page.locator('#queue-search').fill('');
    await eventually(async () => (await page.locator('.grid__row').count()) === 2);
    // j moves the focus; o opens the focused ticket.
    await page.locator('.grid__row').first().click();
    await page.keyboard.press('j');
    const second = await page.locator('.grid__row--focused').getAttribute('data-ticket');
    await page.keyboard.press('o');
    await page.waitForURL(`**/admin/tickets/${second}`);
  });

  it('imports contacts from CSV with a progress bar and a per-row error report', async () => {
    await page.goto(`${e.t.url}/admin/contacts`);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const lines = ['name,email'];
    for (let i = 0; i < 40; i++) lines.push(`Person ${i},person${i}@import.test`);
    lines.push('No Address,not-an-email');
    await page.getByTestId('import-file').setInputFiles({
      name: 'contacts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${lines.join('\n')}\n`),
    });
    await page.getByTestId('import-progress').waitFor();
    await page
      .getByTestId('import-status')
      .getByText(/^Done: 40 created from 41 rows, 1 with errors\./)
      .waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('import-progress').getAttribute('value')).toBe('1');
    const errors = page.getByTestId('import-errors');
    expect(await errors.locator('tbody tr').count()).toBe(1);
    expect(await errors.locator('tbody td').first().textContent()).toBe('42');
    await e.screenshot(page, 'contacts-import');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Person 39' }).waitFor();
  });

  it('shows a generated plugin settings page to the operator, secrets write-only', async () => {
    const operator = await e.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const op = await e.newPage(operator);
    await signIn(op, e.t.url, ADMIN.email, ADMIN.password);
    await op.goto(`${e.t.url}/admin/settings/plugins`);
    const table = op.getByTestId('plugins-table');
    await table.getByText('e2e-probe').waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'e2e-probe' })
      .getByRole('link', { name: 'Settings' })
      .click();
    const form = op.getByTestId('plugin-settings-form');
    await form.waitFor();
    expect(await form.getByLabel('Endpoint').inputValue()).toBe('https://probe.example.test/in');
    expect(await form.getByLabel('Retries').inputValue()).toBe('3');
    expect(await form.getByLabel('Verbose').isChecked()).toBe(true);
    expect(await form.getByLabel('Mode').inputValue()).toBe('careful');
    const secret = form.getByLabel('Api token');
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toContain('set');
    expect(await op.content()).not.toContain(E2E_SECRET);
    await e.screenshot(op, 'plugin-settings');

    // The System page: live server status and the plugin list, for the operator.
    await op.goto(`${e.t.url}/admin/system`);
    await op
      .getByRole('region', { name: 'Readiness' })
      .getByText('Ready', { exact: true })
      .waitFor();
    await op.getByRole('region', { name: 'Liveness' }).getByText('Up', { exact: true }).waitFor();

    // The hello plugin's page comes from its schema too.
    await op.goto(`${e.t.url}/admin/settings/plugins/hello`);
    expect(await op.getByTestId('plugin-settings-form').getByLabel('Greeting').inputValue()).toBe(
      'Welcome',
    );
    await operator.close();
  });

  it('loads panels at run time with exactly one Vue, and contains a missing bundle', async () => {
    const context = await e.browser.newContext();
    const scripts: Promise<string>[] = [];
    context.on('response', (res) => {
      if (res.request().resourceType() === 'script' && res.ok()) scripts.push(res.text());
    });
    const p = await e.newPage(context);
    await signIn(p, e.t.url, OWNER.email, OWNER.password);
    // The probe widget runs on the host's Vue, Pinia and panel context.
    const probe = p.locator('[data-panel="probe"]');
    await probe.getByText('panel e2e-probe').waitFor();
    expect(await probe.locator('[data-test="pinia"]').textContent()).toBe('store shared');
    expect(await probe.locator('[data-test="user"]').textContent()).toBe(
      `user ${OWNER.email} dashboard.widgets`,
    );
    expect(await probe.locator('[data-test="can"]').textContent()).toBe('can read true');

    // One page load, up to a ticket: every script of the page, panels included.
    scripts.length = 0;
    await p.goto(`${e.t.url}/admin/tickets`);
    await openView(p, 'All open');
    await p.getByRole('link', { name: 'Printer on fire' }).click();
    await p.getByRole('region', { name: 'Hello' }).getByText('was opened by').waitFor();
    const bodies = await Promise.all(scripts);
    expect(bodies.filter((body) => body.includes('__VUE__'))).toHaveLength(1);
    const importMap = JSON.parse(
      (await p.locator('script[type="importmap"]').textContent()) ?? '{}',
    ) as { imports: Record<string, string> };
    expect(importMap.imports.vue).toMatch(/^\/admin\/shared\/vue-[\d.]+\.js$/);
    const sameVue = await p.evaluate(
      `Promise.all([import('vue'), import(${JSON.stringify(importMap.imports.vue)})]).then(([a, b]) => a === b)`,
    );
    expect(sameVue).toBe(true);

    // A plugin's nav panel is a page of its own.
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await p.getByText('Reports page of e2e-probe').waitFor();

    // A bundle that disappeared: its panels fail in place, the rest of the page works.
    const moved = `${PANELS_DIR}.away`;
    renameSync(PANELS_DIR, moved);
    try {
      const q = await e.newPage(context, '/admin/');
      await q
        .locator('[data-panel="probe"]')
        .getByText('Panel failed (plugin e2e-probe)')
        .waitFor();
      await q.getByRole('heading', { name: 'Open tickets by status' }).waitFor();
      renameSync(moved, PANELS_DIR);
      await q.locator('[data-panel="probe"]').getByRole('button', { name: 'Try again' }).click();
      await q.locator('[data-panel="probe"]').getByText('panel e2e-probe').waitFor();
      await e.screenshot(q, 'dashboard');
    } finally {
      try {
        renameSync(moved, PANELS_DIR);
      } catch {
        // already back
      }
    }
    expect(e.pageErrors).toEqual([]);
    await context.close();
  });

  it('switches to the dark theme and stays usable on a laptop screen', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${e.t.url}/admin/tickets`);
    await openView(page, 'All open');
    await page.getByTestId('theme-toggle').click(); // system → dark
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.getByRole('row').filter({ hasText: 'Printer on fire' }).waitFor();
    await e.screenshot(page, 'queue-dark');
    // The dark palette is applied, and the queue is still a usable grid at 1280 px.
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe(
      'rgb(18, 21, 28)',
    );
    expect(await page.locator('.grid__row').first().isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Ticket views' }).isVisible()).toBe(true);
  });

  it('joins a second workspace with an invitation and switches to it', async () => {
    // The operator's workspace ("Demo") invites the owner of Acme Support.
    const operatorToken = await e.token(ADMIN.email, ADMIN.password);
    const roles = (await e.api(operatorToken, 'GET', '/api/v1/roles')) as {
      id: string;
      key: string;
    }[];
    await e.api(operatorToken, 'POST', '/api/v1/invitations', {
      email: OWNER.email,
      roleId: roles.find((r) => r.key === 'agent')!.id,
    });
    await page.goto(`${e.t.url}${await e.mailedLink(OWNER.email, '/admin/accept-invitation')}`);
    await page.getByText(`You join as ${OWNER.email}.`).waitFor();
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByTestId('invitation-accepted').getByRole('button', { name: 'Sign in' }).click();

    const switcher = page.getByLabel('Workspace');
    await eventually(async () => (await switcher.locator('option').count()) === 2);
    expect(await switcher.locator('option:checked').textContent()).toBe(OWNER.workspace);
    await switcher.selectOption({ label: 'Demo' });
    const dialog = page.getByRole('dialog', { name: 'Switch workspace' });
    await dialog.getByLabel('Password').fill(OWNER.password);
    await dialog.getByRole('button', { name: 'Switch' }).click();
    await eventually(
      async () => (await switcher.locator('option:checked').textContent()) === 'Demo',
    );
    // A new session in the other workspace: its queue, not Acme's.
    await page.goto(`${e.t.url}/admin/tickets`);
    await openView(page, 'All open');
    expect(await page.getByText('Printer on fire').count()).toBe(0);
  });
});
