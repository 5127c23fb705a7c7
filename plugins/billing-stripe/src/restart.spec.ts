/**
 * A crash between storing a webhook event and processing it: the first process stores the event
 * (its job queued in the same transaction) and dies before any worker runs; the next process on
 * the same database processes it. Embedded mode keeps its database on disk for this.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import Stripe from 'stripe';
import { createHelpdesk, type Helpdesk } from '@novumdesk/core';
import { TEST_SECRET, createTestDatabase, eventually } from '@novumdesk/core/testing';
import { billingTestModules } from '../../../core/src/billing/testkit.test.js';
import billingStripe from './index.js';
import { StripeFake } from './stripe-fake.test.js';

const WEBHOOK_SECRET = 'whsec_restart_suite_secret';

it('processes an event stored before a crash once the next process starts', async () => {
  const fake = new StripeFake();
  await fake.start();
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'novumdesk-billing-restart-'));
  const make = () =>
    createHelpdesk({
      logger: pino({ level: 'silent' }),
      modules: billingTestModules() as never,
      plugins: [
        billingStripe({
          secretKey: fake.secretKey,
          webhookSecret: WEBHOOK_SECRET,
          apiUrl: fake.url,
          plans: [{ id: 'team', name: 'Team', stripePriceId: 'price_team' }],
          adminPanels: false,
        }) as never,
      ],
      config: {
        port: 0,
        secret: TEST_SECRET,
        dataDir,
        admin: { email: 'operator@example.test', password: 'operator-Pa55-word-1' },
        database: db.url ? { url: db.url, autoMigrate: true } : {},
        jobs: { pollIntervalSeconds: 0.5 },
      },
    });
  let first: Helpdesk | null = null;
  let second: Helpdesk | null = null;
  try {
    first = await make();
    await first.start({ workers: false });
    const sql = (hd: Helpdesk, text: string, params: unknown[] = []) =>
      hd.orm.em.fork().getConnection().execute(text, params, 'all');
    const [workspace] = await sql(first, 'select id from workspace limit 1');
    const workspaceId = workspace!.id as string;
    const subscription = fake.createSubscription({
      customer: 'cus_restart',
      price: 'price_team',
      quantity: 1,
      status: 'active',
    });
    await sql(
      first,
      'insert into billing_stripe_customer (customer_id, workspace_id, created_at) values (?, ?, now())',
      ['cus_restart', workspaceId],
    );
    const event = fake.event('customer.subscription.created', subscription);
    const payload = JSON.stringify(event);
    const res = await fetch(`${first.url}/api/p/billing-stripe/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
          payload,
          secret: WEBHOOK_SECRET,
        }),
      },
      body: payload,
    });
    expect(res.status).toBe(200);
    const status = async (hd: Helpdesk) =>
      (await sql(hd, 'select status from billing_stripe_event where id = ?', [event.id]))[0]
        ?.status;
    expect(await status(first)).toBe('received');
    await first.stop('crash');
    first = null;

    second = await make();
    await second.start();
    const hd = second;
    await eventually(async () => (await status(hd)) === 'processed', 20_000);
    const rows = await sql(
      hd,
      'select plan_id, status from billing_subscription where workspace_id = ?',
      [workspaceId],
    );
    expect(rows).toEqual([{ plan_id: 'team', status: 'active' }]);
  } finally {
    await first?.stop().catch(() => undefined);
    await second?.stop().catch(() => undefined);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    await fake.stop();
  }
}, 90_000);
