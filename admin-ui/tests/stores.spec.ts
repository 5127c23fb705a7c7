/**
 * Stores and composables against the real server (core modules on the embedded database or
 * PostgreSQL): optimistic changes are applied at once and rolled back row by row when the
 * server refuses; bulk changes go through the bulk job; drafts and CSV imports follow the API.
 * The page's relative URLs are sent to the test server with a Bearer token (no browser here).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createPinia, setActivePinia } from 'pinia';
import { effectScope } from 'vue';
import { defaultModules } from '@novumdesk/core';
import { createTestHelpdesk, eventually, type TestHelpdesk } from '@novumdesk/core/testing';
import { hostApi } from '../src/api/client';
import type { Ticket } from '../src/api/tickets';
import { useDraft } from '../src/composables/draft';
import { useContactImport } from '../src/composables/import';
import { useTicket } from '../src/composables/ticket';
import { useQueueStore } from '../src/stores/queue';

const ADMIN = { email: 'stores@example.com', password: 'stores-Pa55-test' };

describe('admin UI stores against the server', () => {
  let t: TestHelpdesk;
  let token: string;
  const realFetch = globalThis.fetch;
  const sql = (text: string, params: unknown[] = []) =>
    t.hd.orm.em.fork().getConnection().execute(text, params, 'all');

  async function newTicket(subject: string): Promise<Ticket> {
    const res = await hostApi.post<Ticket>('/api/v1/tickets', {
      subject,
      requester: { email: `${subject.replace(/\W/g, '').toLowerCase()}@customer.test` },
      message: { body: subject },
    });
    return res;
  }

  beforeAll(async () => {
    t = await createTestHelpdesk({ modules: defaultModules, config: { admin: ADMIN } });
    const res = await realFetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    token = ((await res.json()) as { accessToken: string }).accessToken;
    globalThis.fetch = (input, init = {}) =>
      realFetch(new URL(String(input), t.url), {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      });
  }, 90_000);
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await t?.close();
  });
  beforeEach(() => setActivePinia(createPinia()));

  it('bulk-closes several tickets, and drops closed rows from an open view', async () => {
    const queue = useQueueStore();
    const [a, b, c] = [
      await newTicket('Bulk A'),
      await newTicket('Bulk B'),
      await newTicket('Bulk C'),
    ];
    await queue.setSource({ id: 'builtin:open', filters: { status: 'open_all' } });
    expect(queue.rows.map((r) => r.subject)).toEqual(
      expect.arrayContaining(['Bulk A', 'Bulk B', 'Bulk C']),
    );

    const result = await queue.change([a.id, b.id], { status: 'closed' });
    expect(result).toEqual({ ok: 2, failed: [] });
    expect(queue.rows.map((r) => r.id)).not.toContain(a.id);
    expect(queue.rows.map((r) => r.id)).toContain(c.id);
    const rows = await sql(
      `select subject, status from ticket where id in (?, ?) order by subject`,
      [a.id, b.id],
    );
    expect(rows.map((r) => r.status)).toEqual(['closed', 'closed']);
  });

  it('rolls back a refused change, row by row, and keeps the accepted ones', async () => {
    const queue = useQueueStore();
    const ok = await newTicket('Keep me');
    await queue.setSource({ id: 'builtin:all', filters: {} });
    // Assigning to someone who is not a member is refused by the server.
    const stranger = '01900000-0000-7000-8000-000000000000';
    const pending = queue.change([ok.id], { assigneeId: stranger });
    // Optimistic: the row shows the change before the server answers.
    expect(queue.rows.find((r) => r.id === ok.id)?.assigneeId).toBe(stranger);
    const result = await pending;
    expect(result.ok).toBe(0);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.error.status).toBeGreaterThanOrEqual(400);
    expect(queue.rows.find((r) => r.id === ok.id)?.assigneeId).toBeNull();

    const accepted = await queue.change([ok.id], { priority: 'urgent' });
    expect(accepted.ok).toBe(1);
    expect(queue.rows.find((r) => r.id === ok.id)?.priority).toBe('urgent');
  });

  it('useTicket: a refused property change is rolled back, an accepted one lands in the timeline', async () => {
    const created = await newTicket('Ticket page');
    const scope = effectScope();
    const page = scope.run(() => useTicket(hostApi, () => created.id))!;
    await page.load();
    expect(page.ticket.value?.subject).toBe('Ticket page');

    const refused = await page.update({ priority: 'whenever' });
    expect(refused?.status).toBe(400);
    expect(page.ticket.value?.priority).toBe('normal');

    expect(await page.update({ status: 'pending' })).toBeUndefined();
    expect(page.ticket.value?.status).toBe('pending');
    await eventually(async () => {
      await page.refreshTimeline();
      return page.timeline.value.some(
        (i) => i.event && JSON.stringify(i.event.data).includes('pending'),
      );
    });
    scope.stop();
  });

  it('useDraft keeps the composer on the server and clears it after sending', async () => {
    const created = await newTicket('Drafty');
    const draft = useDraft(hostApi, created.id, 0);
    draft.save({ kind: 'note', body: 'half a thought' });
    await eventually(() => draft.status.value === 'saved');
    const [row] = await sql(`select count(*)::int as n from ticket_draft where ticket_id = ?`, [
      created.id,
    ]);
    expect(row.n).toBe(1);
    expect(await useDraft(hostApi, created.id).load()).toMatchObject({
      kind: 'note',
      body: 'half a thought',
    });
    await draft.clear();
    expect(await useDraft(hostApi, created.id).load()).toBeUndefined();
  });

  it('useContactImport follows the import job to completion with per-row errors', async () => {
    const scope = effectScope();
    const imp = scope.run(() => useContactImport(hostApi, 50))!;
    await imp.start('name,email\nAda,ada@import.test\nBob,bob@import.test\nBad,not-an-email\n');
    await eventually(() => imp.finished.value, 15_000);
    expect(imp.progress.value).toBe(1);
    expect(imp.job.value).toMatchObject({ total: 3, created: 2 });
    expect(imp.job.value!.errors).toEqual([expect.objectContaining({ line: 4 })]);
    scope.stop();
  });
});
