/**
 * The public help center, as an anonymous visitor sees it: what is published and public renders;
 * drafts, archived, internal and other workspaces' articles are 404 and absent from search,
 * sitemap and related lists; locale fallback; custom host names; CSP and caching on every page.
 */
import { eventually } from '@novumdesk/core/testing';
import { HELP_CSP } from './public/site.js';
import {
  publishedArticle,
  startKb,
  uniqueSlug,
  type KbHarness,
  type Owner,
} from './testkit.test.js';

describe('knowledge base: public pages', () => {
  let h: KbHarness;
  let a: Owner;
  let b: Owner;
  let center: { id: string; slug: string };
  let otherCenter: { id: string; slug: string };
  let published: { id: string; translations: { slug: string }[] };
  const host = `help-${Date.now()}.example.test`;
  const otherHost = `docs-${Date.now()}.example.test`;

  beforeAll(async () => {
    h = await startKb();
    a = await h.signUp('a');
    b = await h.signUp('b');
    center = (
      await h.ok(201, 'POST', '/centers', {
        token: a.token,
        body: {
          slug: uniqueSlug('acme'),
          name: 'Acme Help',
          defaultLocale: 'en',
          locales: ['de'],
          hosts: [host],
        },
      })
    ).body;
    otherCenter = (
      await h.ok(201, 'POST', '/centers', {
        token: b.token,
        body: {
          slug: uniqueSlug('globex'),
          name: 'Globex Help',
          defaultLocale: 'en',
          hosts: [otherHost],
        },
      })
    ).body;
    const category = (
      await h.ok(201, 'POST', '/categories', {
        token: a.token,
        body: {
          centerId: center.id,
          slug: 'accounts',
          translations: { en: { name: 'Accounts' }, de: { name: 'Konten' } },
        },
      })
    ).body;
    published = await publishedArticle(h, a, center, {
      title: 'Resetting your password',
      body: 'Open **Settings** and choose *Forgot password*. The reset link expires after an hour.',
      categoryId: category.id,
    });
  }, 90_000);
  afterAll(() => h?.close(), 30_000);

  it('renders a published public article to an anonymous visitor, readable without scripts', async () => {
    const res = await h.page(`/help/${center.slug}/en/articles/${published.translations[0]!.slug}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<h1>Resetting your password</h1>');
    expect(res.text).toContain('<strong>Settings</strong>');
    expect(res.text).toMatch(/<title>Resetting your password – Acme Help<\/title>/);
    expect(res.text).toMatch(
      /<meta name="description" content="Open Settings and choose Forgot password/,
    );
    expect(res.text).toContain(`<link rel="canonical" href="`);
    expect(res.text).toMatch(/<meta property="og:type" content="article"/);
    expect(res.text).toContain('<html lang="en">');
    expect(res.headers['content-security-policy']).toBe(HELP_CSP);
    expect(res.headers.etag).toBeTruthy();
    expect(res.headers['cache-control']).toBe('public, no-cache');
    const again = await h.page(
      `/help/${center.slug}/en/articles/${published.translations[0]!.slug}`,
      {
        headers: { 'if-none-match': String(res.headers.etag) },
      },
    );
    expect(again.status).toBe(304);
  });

  const articlePath = (slug: string, locale = 'en', c = center) =>
    `/help/${c.slug}/${locale}/articles/${slug}`;

  it('hides drafts, archived, internal and other workspaces’ articles everywhere', async () => {
    const draft = (
      await h.ok(201, 'POST', '/articles', {
        token: a.token,
        body: { centerId: center.id, title: 'Zebra draft secret', body: 'zebra unicorn' },
      })
    ).body;
    const internal = await publishedArticle(h, a, center, {
      title: 'Zebra internal runbook',
      body: 'zebra unicorn escalation',
      visibility: 'internal',
    });
    const archived = await publishedArticle(h, a, center, {
      title: 'Zebra archived',
      body: 'zebra unicorn',
    });
    await h.ok(200, 'POST', `/articles/${archived.id}/archive`, { token: a.token });
    const foreign = await publishedArticle(h, b, otherCenter, {
      title: 'Zebra foreign',
      body: 'zebra unicorn',
    });
    const visible = await publishedArticle(h, a, center, {
      title: 'Zebra public',
      body: 'zebra unicorn',
    });

    for (const hidden of [draft, internal, archived]) {
      const res = await h.page(articlePath(hidden.translations[0].slug));
      expect(res.status).toBe(404);
      expect(res.headers['content-security-policy']).toBe(HELP_CSP);
    }
    // B's article through A's center: no such page.
    expect((await h.page(articlePath(foreign.translations[0].slug))).status).toBe(404);
    expect((await h.page(articlePath(visible.translations[0].slug))).status).toBe(200);

    const search = await h.page(`/help/${center.slug}/en/search?q=zebra+unicorn`);
    expect(search.status).toBe(200);
    expect(search.text).toContain('Zebra public');
    for (const title of [
      'Zebra draft secret',
      'Zebra internal runbook',
      'Zebra archived',
      'Zebra foreign',
    ]) {
      expect(search.text).not.toContain(title);
    }
    const suggest = await h.page(`/help/${center.slug}/en/search.json?q=zebra`);
    expect(suggest.body.data.map((d: { title: string }) => d.title)).toEqual(['Zebra public']);

    const sitemap = await h.page(`/help/${center.slug}/sitemap.xml`);
    expect(sitemap.status).toBe(200);
    expect(sitemap.headers['content-type']).toMatch(/application\/xml/);
    expect(sitemap.text).toContain(visible.translations[0].slug);
    for (const hidden of [draft, internal, archived, foreign]) {
      expect(sitemap.text).not.toContain(`/articles/${hidden.translations[0].slug}<`);
    }

    // Related: even when chosen explicitly, hidden articles never show.
    await h.ok(200, 'PATCH', `/articles/${visible.id}`, {
      token: a.token,
      body: { relatedIds: [draft.id, internal.id, archived.id, published.id] },
    });
    const page = await h.page(articlePath(visible.translations[0].slug));
    expect(page.text).toContain('Resetting your password');
    for (const title of ['Zebra draft secret', 'Zebra internal runbook', 'Zebra archived']) {
      expect(page.text).not.toContain(title);
    }
  });

  it('falls back to the default locale, marked as such, and serves translations in their own', async () => {
    const only = await publishedArticle(h, a, center, {
      title: 'Only in English',
      body: 'English text.',
    });
    const fallback = await h.page(articlePath(only.translations[0].slug, 'de'));
    expect(fallback.status).toBe(200);
    expect(fallback.text).toContain('<html lang="de">');
    expect(fallback.text).toMatch(/<main\s+id="main"\s+class="kb-wrap"\s+lang="en"/);
    expect(fallback.text).toContain('nicht auf Deutsch verfügbar');
    expect(fallback.text).toMatch(/rel="canonical"\s+href="[^"]*\/en\/articles\/only-in-english"/);

    await h.ok(200, 'PUT', `/articles/${only.id}/translations/de`, {
      token: a.token,
      body: { title: 'Nur auf Deutsch übersetzt', body: 'Deutscher Text über Passwörter.' },
    });
    const german = await h.page(articlePath('nur-auf-deutsch-ubersetzt', 'de'));
    expect(german.status).toBe(200);
    expect(german.text).toContain('Deutscher Text');
    expect(german.text).toMatch(/hreflang="en"/);
    expect(german.text).toMatch(/hreflang="de"/);
    expect(german.text).toMatch(/hreflang="x-default"/);
    // The English slug under /de/ leads to the German translation.
    const moved = await h.page(articlePath(only.translations[0].slug, 'de'));
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(articlePath('nur-auf-deutsch-ubersetzt', 'de'));
    // An unsupported locale is a 404.
    expect((await h.page(articlePath(only.translations[0].slug, 'fr'))).status).toBe(404);
  });

  it('maps a custom host name to its center and no other', async () => {
    const slug = published.translations[0]!.slug;
    const onHost = await h.page(`/en/articles/${slug}`, { headers: { host } });
    expect(onHost.status).toBe(200);
    expect(onHost.text).toContain('Resetting your password');
    expect(onHost.text).toContain(`href="/en/`);
    expect(onHost.text).toMatch(
      new RegExp(`rel="canonical"\\s+href="http://${host.replace(/\./g, '\\.')}`),
    );
    expect(onHost.headers['content-security-policy']).toBe(HELP_CSP);
    // The other workspace's host does not serve A's article, and vice versa.
    expect((await h.page(`/en/articles/${slug}`, { headers: { host: otherHost } })).status).toBe(
      404,
    );
    const unknown = await h.page(`/en/articles/${slug}`, {
      headers: { host: 'unknown.example.test' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    // Static files, robots.txt and the sitemap at the host's root.
    expect((await h.page('/_/kb.css', { headers: { host } })).status).toBe(200);
    const robots = await h.page('/robots.txt', { headers: { host } });
    expect(robots.text).toContain(`Sitemap: http://${host}/sitemap.xml`);
    const root = await h.page('/', { headers: { host, 'accept-language': 'de-DE,de;q=0.9' } });
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/de/');
    // The API stays the API on a custom host.
    expect((await h.page('/api/v1/openapi.json', { headers: { host } })).status).toBe(200);
  });

  it('sends /help to the default center and puts the CSP on every kind of page', async () => {
    const help = await h.page('/help');
    expect(help.status).toBe(302);
    expect(help.headers.location).toBe(`/help/${center.slug}/en/`);
    const search = await h.page('/help/search?q=password');
    expect(search.headers.location).toBe(`/help/${center.slug}/en/search?q=password`);
    for (const path of [
      `/help`,
      `/help/${center.slug}`,
      `/help/${center.slug}/en/`,
      `/help/${center.slug}/de/`,
      `/help/${center.slug}/en/categories/accounts`,
      `/help/${center.slug}/en/search?q=password`,
      `/help/${center.slug}/en/search.json?q=password`,
      `/help/${center.slug}/en/contact`,
      `/help/${center.slug}/en/nothing-here`,
      `/help/${center.slug}/sitemap.xml`,
      `/help/${center.slug}/robots.txt`,
      `/help/${center.slug}/theme.css`,
      `/help/_/kb.js`,
      `/help/no-such-center/en/`,
    ]) {
      const res = await h.page(path);
      expect([path, res.headers['content-security-policy']]).toEqual([path, HELP_CSP]);
    }
    const home = await h.page(`/help/${center.slug}/de/`);
    expect(home.text).toContain('Konten');
    const category = await h.page(`/help/${center.slug}/en/categories/accounts`);
    expect(category.text).toContain('Resetting your password');
  });

  it('purges cached pages on publish and counts views and votes as aggregates', async () => {
    const before = await h.page(`/help/${center.slug}/en/`);
    const etag = String(before.headers.etag);
    await publishedArticle(h, a, center, { title: 'Brand new article', body: 'Fresh.' });
    const after = await h.page(`/help/${center.slug}/en/`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.text).toContain('Brand new article');

    const path = articlePath(published.translations[0]!.slug);
    await h.page(path);
    await h.page(path);
    const vote = await h.page(`${path}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'helpful=yes',
    });
    expect(vote.status).toBe(303);
    expect(vote.headers.location).toBe(`${path}?voted=1`);
    expect((await h.page(`${path}?voted=1`)).text).toContain('Thank you for your feedback.');
    // Views are written in batches (every 0.2 s here).
    let stats = await h.ok(200, 'GET', `/articles/${published.id}`, { token: a.token });
    await eventually(async () => {
      stats = await h.ok(200, 'GET', `/articles/${published.id}`, { token: a.token });
      return stats.body.views >= 2;
    });
    expect(stats.body.helpful).toBe(1);
    const feedback = await h.ok(200, 'GET', `/articles/${published.id}/feedback`, {
      token: a.token,
    });
    expect(feedback.body.data).toEqual([
      expect.objectContaining({ locale: 'en', helpful: 1, notHelpful: 0 }),
    ]);
  });
});
