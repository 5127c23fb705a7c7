/**
 * `isProcessingAllowed` over a real helpdesk: the defaults without taps (allowed, or denied when
 * the purpose requires consent), a tap that denies or allows, a tap that has no opinion, and
 * the hook's place in the registry.
 */
import { createTestHelpdesk, type TestHelpdesk } from '../testing/index.js';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { processingModule } from './processing.module.js';
import { isProcessingAllowed } from './processing.js';
import type { ProcessingQuery } from './hooks.js';

const WS = '00000000-0000-4000-8000-000000000001';
const seen: ProcessingQuery[] = [];

/** Denies marketing for contact c-objects, consents analytics for c-consented, else no opinion. */
const policy = definePlugin({
  id: 'test-policy',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('processing.isAllowed', (query) => {
      seen.push(query);
      const id = 'id' in query.subject ? query.subject.id : query.subject.email;
      if (id === 'c-objects' && query.purpose === 'marketing') return false;
      if (id === 'c-consented' && query.purpose === 'analytics') return true;
      return undefined;
    });
  },
});

describe('isProcessingAllowed', () => {
  let bare: TestHelpdesk;
  let tapped: TestHelpdesk;
  beforeAll(async () => {
    bare = await createTestHelpdesk({ modules: [processingModule], start: false });
    tapped = await createTestHelpdesk({
      modules: [processingModule],
      plugins: [policy],
      start: false,
    });
  }, 60_000);
  afterAll(async () => {
    await bare?.close();
    await tapped?.close();
  });

  const ask = async (h: TestHelpdesk, query: Omit<ProcessingQuery, 'workspaceId'>) => {
    const scope = h.hd.createScope();
    try {
      return await isProcessingAllowed(scope, { workspaceId: WS, ...query });
    } finally {
      await scope.dispose();
    }
  };

  it('allows by default and denies consent-based purposes without a consent', async () => {
    const subject = { kind: 'contact' as const, id: 'c-1' };
    expect(await ask(bare, { subject, purpose: 'notifications' })).toBe(true);
    expect(await ask(bare, { subject, purpose: 'analytics', requiresConsent: true })).toBe(false);
    expect(await ask(bare, { subject: { email: 'a@example.com' }, purpose: 'webhooks' })).toBe(
      true,
    );
  });

  it('lets a tap deny, allow, or leave the default', async () => {
    const objects = { kind: 'contact' as const, id: 'c-objects' };
    const consented = { kind: 'contact' as const, id: 'c-consented' };
    expect(await ask(tapped, { subject: objects, purpose: 'marketing' })).toBe(false);
    expect(await ask(tapped, { subject: objects, purpose: 'surveys' })).toBe(true);
    expect(
      await ask(tapped, { subject: consented, purpose: 'analytics', requiresConsent: true }),
    ).toBe(true);
    expect(
      await ask(tapped, { subject: objects, purpose: 'analytics', requiresConsent: true }),
    ).toBe(false);
    expect(seen.at(-1)).toEqual({
      workspaceId: WS,
      subject: objects,
      purpose: 'analytics',
      requiresConsent: true,
    });
  });

  it('is a documented veto hook defined by the processing module', () => {
    const row = tapped.hd.container
      .resolve('hookDiagnostics')()
      .find((d) => d.hook === 'processing.isAllowed');
    expect(row).toMatchObject({
      kind: 'veto',
      definedBy: 'processing',
      tapable: 'AsyncSeriesBailHook',
    });
    expect(row?.taps.map((t) => t.plugin)).toEqual(['test-policy']);
  });
});
