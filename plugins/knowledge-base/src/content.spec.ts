/**
 * What editors write and visitors send: sanitization of Markdown and HTML bodies (stored and
 * rendered without script), search (body words per locale, misspelled titles, title above
 * body), and the contact form (a ticket in the center's inbox, rate limit, bot checks).
 */
import { renderBody } from './sanitize.js';
import { markSnippet } from './search.js';
import {
  publishedArticle,
  startKb,
  uniqueSlug,
  type KbHarness,
  type Owner,
} from './testkit.test.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src="/x.png" onerror="alert(2)">',
  '<a href="javascript:alert(3)">click</a>',
  '<a href="JaVaScRiPt:alert(4)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==">data</a>',
  '<svg onload="alert(6)"><script>alert(7)</script></svg>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoOCk+">',
  '<iframe src="https://evil.example"></iframe>',
  '<p style="background:url(javascript:alert(9))" onclick="alert(10)">styled</p>',
  '<math><mtext><script>alert(11)</script></mtext></math>',
  '<form action="https://evil.example"><input name=x></form>',
];

function assertClean(html: string) {
  expect(html).not.toMatch(/<script|<svg|<iframe|<math|<form|<input|<style/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(
    /\s(href|src|style|action)\s*=\s*"?[^"\s>]*(javascript:|data:text|image\/svg)/i,
  );
}

describe('sanitizing article bodies', () => {
  it('removes scripts, handlers, dangerous links and SVG from HTML and Markdown', () => {
    for (const payload of PAYLOADS) {
      const html = renderBody(payload, 'html');
      assertClean(html);
      // Script content goes with its element, it does not stay behind as text.
      expect(html).not.toMatch(/alert\((1|7|11)\)/);
      assertClean(renderBody(`# Title\n\n${payload}\n\n[link](javascript:alert(12))`, 'markdown'));
    }
  });

  it('keeps the structure editors need', () => {
    const html = renderBody(
      '## Steps\n\n1. Open [settings](/help/x/en/articles/y)\n2. Press `Save`\n\n![shot](/help/x/assets/1)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[docs](https://example.com)',
      'markdown',
    );
    expect(html).toContain('<h2>Steps</h2>');
    expect(html).toContain('<a href="/help/x/en/articles/y">settings</a>');
    expect(html).toContain('<code>Save</code>');
    expect(html).toContain('<img src="/help/x/assets/1" alt="shot" />');
    expect(html).toContain('<table>');
    expect(html).toContain(
      '<a href="https://example.com" rel="noopener noreferrer nofollow">docs</a>',
    );
  });

  it('escapes snippet text and only marks matches', () => {
    expect(markSnippet('a <b>\u0002pass\u0003</b>')).toBe('a &lt;b&gt;<mark>pass</mark>&lt;/b&gt;');
  });
});

describe('knowledge base: content, search and contact over HTTP', () => {
  let h: KbHarness;
  let a: Owner;
  let center: { id: string; slug: string };

  beforeAll(async () => {
    h = await startKb(
      { contactMinFillSeconds: 0, contactRateLimit: { limit: 3, windowSeconds: 600 } },
      // Visitors' addresses come from X-Forwarded-For, as behind a reverse proxy.
      { config: { trustProxy: true } },
    );
    a = await h.signUp('a');
    center = (
      await h.ok(201, 'POST', '/centers', {
        token: a.token,
        body: {
          slug: uniqueSlug('content'),
          name: 'Content Help',
          defaultLocale: 'en',
          locales: ['de', 'fr'],
        },
      })
    ).body;
  }, 90_000);
  afterAll(() => h?.close(), 30_000);

  it('stores and renders bodies without the payloads, in both formats', async () => {
    for (const bodyFormat of ['html', 'markdown'] as const) {
      const article = await publishedArticle(h, a, center, {
        title: `Payloads ${bodyFormat}`,
        body: PAYLOADS.join('\n\n'),
        ...({ bodyFormat } as object),
      } as never);
      assertClean(article.translations[0].bodyHtml);
      const page = await h.page(`/help/${center.slug}/en/articles/${article.translations[0].slug}`);
      expect(page.status).toBe(200);
      const body = page.text.slice(
        page.text.indexOf('<div class="kb-body">'),
        page.text.indexOf('</article>'),
      );
      assertClean(body);
      expect(page.text).toContain('styled');
    }
    // The preview route sanitizes the same way.
    const preview = await h.ok(200, 'POST', '/preview', {
      token: a.token,
      body: { body: PAYLOADS.join(''), bodyFormat: 'html' },
    });
    assertClean(preview.body.html);
  });

  it('finds an article by a body word in its locale, and by a misspelled title word', async () => {
    const german = await publishedArticle(h, a, center, {
      title: 'Rechnungen herunterladen',
      body: 'Alle Rechnungen finden Sie im Kundenkonto unter Abrechnung. Die Zahlungen werden monatlich eingezogen.',
      locale: 'de',
    } as never);
    // German stemming: "Zahlung" finds "Zahlungen" in the German body.
    const de = await h.page(`/help/${center.slug}/de/search?q=Zahlung`);
    expect(de.text).toContain('Rechnungen herunterladen');
    expect(de.text).toContain('<mark>Zahlungen</mark>');
    expect(german.translations[0].locale).toBe('de');

    await publishedArticle(h, a, center, {
      title: 'Configuring two-factor authentication',
      body: 'Use an authenticator app to add a second step when signing in.',
    });
    const typo = await h.page(`/help/${center.slug}/en/search.json?q=authentcation`);
    expect(typo.body.data.map((d: { title: string }) => d.title)).toContain(
      'Configuring two-factor authentication',
    );
  });

  it('folds accents where unaccent is installed (server mode), and says so when not', async () => {
    await publishedArticle(h, a, center, {
      title: 'Crème brûlée recipes',
      body: 'Caramelize the sugar with a torch.',
    });
    const res = await h.page(`/help/${center.slug}/en/search.json?q=creme+brulee`);
    const found = res.body.data.some((d: { title: string }) => d.title === 'Crème brûlée recipes');
    const unaccent = h.t.hd.container.resolve('knowledgeBase').unaccent;
    if (unaccent) expect(found).toBe(true);
    else {
      expect(h.logLines.some((line) => line.includes('unaccent extension is not available'))).toBe(
        true,
      );
    }
  });

  it('ranks a title match above a body match', async () => {
    await publishedArticle(h, a, center, {
      title: 'Shipping times',
      body: 'Orders leave the warehouse within two days. Returns are handled by the returns team.',
    });
    await publishedArticle(h, a, center, {
      title: 'Returns and refunds',
      body: 'How to send something back.',
    });
    const res = await h.page(`/help/${center.slug}/en/search.json?q=returns`);
    const titles = res.body.data.map((d: { title: string }) => d.title);
    expect(titles.indexOf('Returns and refunds')).toBeGreaterThanOrEqual(0);
    expect(titles.indexOf('Shipping times')).toBeGreaterThan(titles.indexOf('Returns and refunds'));
    // Agents' search sees the same, with links.
    const agents = await h.ok(200, 'GET', `/search?q=returns&centerId=${center.id}`, {
      token: a.token,
    });
    expect(agents.body.data[0].title).toBe('Returns and refunds');
    expect(agents.body.data[0].url).toMatch(/\/help\/.+\/en\/articles\/returns-and-refunds$/);
  });

  describe('contact form', () => {
    const form = async (locale = 'en') => {
      const page = await h.page(`/help/${center.slug}/${locale}/contact`);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      return /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    };
    const submit = (fields: Record<string, string>, ip = '203.0.113.7') =>
      h.page(`/help/${center.slug}/en/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        body: new URLSearchParams(fields).toString(),
      });
    const valid = (token: string, n = 1) => ({
      token,
      name: 'Visitor',
      email: `visitor${n}@example.test`,
      subject: `Cannot sign in (${n})`,
      message: 'The reset link from your mail does not work for me.',
      website: '',
    });

    it('creates a ticket in the center’s own inbox', async () => {
      const res = await submit(valid(await form()));
      expect(res.status).toBe(201);
      expect(res.text).toContain('We received your message');
      const centerNow = await h.ok(200, 'GET', `/centers/${center.id}`, { token: a.token });
      const inboxId = centerNow.body.contactInboxId;
      expect(inboxId).toBeTruthy();
      const inbox = await h.ok(200, 'GET', `/api/v1/inboxes/${inboxId}`, { token: a.token });
      expect(inbox.body).toMatchObject({ channelType: 'api', name: 'Help center: Content Help' });
      const tickets = await h.ok(200, 'GET', '/api/v1/tickets?limit=10', { token: a.token });
      const ticket = tickets.body.data.find(
        (t: { subject: string }) => t.subject === 'Cannot sign in (1)',
      );
      expect(ticket).toBeTruthy();
      expect(ticket.via).toMatchObject({ inboxId });
      // A second message goes to the same inbox.
      expect((await submit(valid(await form(), 2), '203.0.113.8')).status).toBe(201);
      const again = await h.ok(200, 'GET', `/centers/${center.id}`, { token: a.token });
      expect(again.body.contactInboxId).toBe(inboxId);
    });

    it('rejects the honeypot, a missing or forged token, and invalid fields', async () => {
      const token = await form();
      expect(
        (await submit({ ...valid(token, 3), website: 'https://spam.example' }, '198.51.100.1'))
          .status,
      ).toBe(400);
      expect((await submit({ ...valid('', 4) }, '198.51.100.2')).status).toBe(400);
      expect((await submit({ ...valid(`${token}x`, 5) }, '198.51.100.3')).status).toBe(400);
      const invalid = await submit(
        { ...valid(token, 6), email: 'not-an-email', message: 'short' },
        '198.51.100.4',
      );
      expect(invalid.status).toBe(400);
      expect(invalid.text).toMatch(/aria-invalid="true"\s+aria-describedby="kb-email-error"/);
      const tickets = await h.ok(200, 'GET', '/api/v1/tickets?limit=50', { token: a.token });
      const subjects = tickets.body.data.map((t: { subject: string }) => t.subject);
      for (const n of [3, 4, 5, 6]) expect(subjects).not.toContain(`Cannot sign in (${n})`);
    });

    it('rate-limits a burst from one address', async () => {
      const statuses: number[] = [];
      for (let n = 10; n < 15; n++)
        statuses.push((await submit(valid(await form(), n), '192.0.2.99')).status);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      // Another address is not affected.
      expect((await submit(valid(await form(), 20), '192.0.2.100')).status).toBe(201);
    });
  });
});
