/**
 * Optional forwarding: off by default (no sub-processor); when on, consented events reach a
 * self-hosted collector through the job queue with the event name only — no user id, IP,
 * country or user agent — and the collector is listed as a sub-processor.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@novumdesk/core/testing';
import analytics from '../index.js';
import {
  consented,
  consentLedger,
  startAnalytics,
  type AnalyticsHarness,
} from '../harness.test.js';
import { collectorBody } from './forward.js';

describe('forwarding to a self-hosted collector', () => {
  let h: AnalyticsHarness;
  let server: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    h = await startAnalytics({
      plugins: [
        analytics({
          forwarding: { url: `http://127.0.0.1:${port}/api/event`, site: 'desk.example.com' },
        }),
        consentLedger,
      ],
      trustProxy: true,
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    server?.close();
  }, 30_000);

  it('sends names only, and lists the collector as a sub-processor', async () => {
    const owner = await h.signUp('owner');
    consented.add(owner.userId);
    const res = await h.call('POST', '/api/p/analytics/usage/events', {
      token: owner.token,
      headers: { 'x-forwarded-for': '8.8.8.8', 'user-agent': 'Mozilla/5.0 Firefox/133.0' },
      body: {
        events: [
          { type: 'page_view', name: 'tickets.list' },
          { type: 'action', name: 'ticket.reply' },
        ],
      },
    });
    expect(res.body.stored).toBe(2);
    await eventually(() => received.length === 2, 15_000);
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(bodies).toEqual([
      { name: 'pageview', url: 'app://novumdesk/tickets/list', domain: 'desk.example.com' },
      { name: 'ticket.reply', url: 'app://novumdesk/ticket/reply', domain: 'desk.example.com' },
    ]);
    const everything = JSON.stringify(received);
    for (const secret of [owner.userId, owner.email, '8.8.8', 'Firefox', 'US']) {
      expect(everything).not.toContain(secret);
    }
    const processors = await h.call('GET', '/api/p/analytics/sub-processors', {
      token: owner.token,
    });
    expect(processors.body.data).toEqual([
      expect.objectContaining({
        name: 'Self-hosted analytics',
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
      }),
    ]);
  });

  it('speaks Umami too', () => {
    expect(
      collectorBody(
        {
          url: 'https://u.example/api/send',
          format: 'umami',
          site: 'site-id',
          processorName: 'Umami',
        },
        { type: 'action', name: 'macro.apply', occurredAt: new Date().toISOString() },
      ),
    ).toEqual({
      type: 'event',
      payload: { website: 'site-id', url: 'app://novumdesk/macro/apply', name: 'macro.apply' },
    });
  });
});
