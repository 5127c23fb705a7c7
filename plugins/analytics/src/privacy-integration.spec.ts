/**
 * With the real privacy plugin as the consent ledger: a consent to the `analytics` purpose
 * (POST /api/p/privacy/me/consents) turns recording on; withdrawing it turns it off and deletes
 * the raw events at the next batch.
 */
import privacy from '@novumdesk/plugin-privacy';
import analytics from './index.js';
import { startAnalytics, type AnalyticsHarness } from './harness.test.js';

describe('usage analytics with the privacy plugin', () => {
  let h: AnalyticsHarness;
  beforeAll(async () => {
    h = await startAnalytics({ plugins: [privacy() as never, analytics()] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('follows the consent ledger', async () => {
    const owner = await h.signUp('owner');
    const send = () =>
      h.call('POST', '/api/p/analytics/usage/events', {
        token: owner.token,
        body: { events: [{ type: 'page_view', name: 'tickets.list' }] },
      });
    const consent = (granted: boolean) =>
      h.expectStatus(201, 'POST', '/api/p/privacy/me/consents', {
        token: owner.token,
        body: { kind: 'purpose', purpose: 'analytics', granted },
      });
    const stored = async () =>
      Number(
        (
          await h.sql(`select count(*)::int as n from analytics_usage_event where subject_id = ?`, [
            owner.userId,
          ])
        )[0]!.n,
      );
    expect((await send()).body.reason).toBe('no_consent');
    await consent(true);
    expect((await send()).body).toEqual({ accepted: 1, stored: 1, reason: null });
    expect(await stored()).toBe(1);
    await consent(false);
    expect((await send()).body.reason).toBe('no_consent');
    expect(await stored()).toBe(0);
  });
});
