/**
 * The editors' side over HTTP: centers and categories, revisions with diff and restore,
 * publishing through the hooks (a veto, the after-commit notice, the domain event in the change
 * feed), scheduled publishing, Zendesk import with progress, Markdown export, personal data, and
 * workspace isolation of every route's resources.
 */
import { gunzipSync } from 'node:zlib';
import { definePlugin, errors } from '@novumdesk/core';
import { eventually } from '@novumdesk/core/testing';
import knowledgeBase from './index.js';
import { startKb, uniqueSlug, type KbHarness, type Owner } from './testkit.test.js';

const notices: { articleId: string; eventId: string }[] = [];

/** A plugin that lints before publishing (refuses "TODO") and follows published articles. */
const linter = definePlugin({
  id: 'kb-linter',
  version: '1.0.0',
  core: '^0.1.0',
  dependsOn: { 'knowledge-base': '^0.1.0' },
  register(ctx) {
    ctx.hooks.tap('knowledge-base:article.beforePublish', (draft) => {
      if (draft.translations.some((t) => t.bodyHtml.includes('TODO'))) {
        throw errors.badRequest('kb_lint_todo', 'The article still has a TODO');
      }
      return { ...draft, tags: [...new Set([...draft.tags, 'linted'])] };
    });
    ctx.hooks.tap('knowledge-base:article.published', (notice) => {
      notices.push({ articleId: notice.articleId, eventId: notice.eventId });
    });
  },
});

/** Files of a tar archive (names and text). */
function untar(buffer: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  for (let offset = 0; offset + 512 <= buffer.length;) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const text = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = [text(345, 155), text(0, 100)].filter(Boolean).join('/');
    const size = parseInt(text(124, 12), 8);
    files.set(name, buffer.subarray(offset + 512, offset + 512 + size).toString('utf8'));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe('knowledge base: editors’ API', () => {
  let h: KbHarness;
  let a: Owner;
  let b: Owner;
  let center: { id: string; slug: string };

  beforeAll(async () => {
    h = await startKb({}, { plugins: [linter] });
    a = await h.signUp('a');
    b = await h.signUp('b');
    center = (
      await h.ok(201, 'POST', '/centers', {
        token: a.token,
        body: {
          slug: uniqueSlug('editors'),
          name: 'Editors',
          defaultLocale: 'en',
          locales: ['de'],
        },
      })
    ).body;
  }, 90_000);
  afterAll(() => h?.close(), 30_000);

  it('validates input with field paths and refuses taken slugs and host names', async () => {
    const bad = await h.api('POST', '/centers', {
      token: a.token,
      body: { slug: 'Not A Slug', name: '', defaultLocale: 'english' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.defaultLocale',
      'body.name',
      'body.slug',
    ]);
    const taken = await h.api('POST', '/centers', {
      token: b.token,
      body: { slug: center.slug, name: 'Copycat', defaultLocale: 'en' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('center_slug_taken');
    await h.ok(200, 'PATCH', `/centers/${center.id}`, {
      token: a.token,
      body: { hosts: ['kb.a.example'] },
    });
    const host = await h.api('POST', '/centers', {
      token: b.token,
      body: { slug: uniqueSlug('b'), name: 'B', defaultLocale: 'en', hosts: ['kb.a.example'] },
    });
    expect(host.status).toBe(409);
    expect(host.body.code).toBe('center_host_taken');
  });

  it('keeps revisions, diffs and restores them', async () => {
    const created = await h.ok(201, 'POST', '/articles', {
      token: a.token,
      body: {
        centerId: center.id,
        title: 'Exporting data',
        body: 'First version.\n\nSecond line.',
      },
    });
    const id = created.body.id;
    await h.ok(200, 'PUT', `/articles/${id}/translations/en`, {
      token: a.token,
      body: { title: 'Exporting your data', body: 'Changed version.\n\nSecond line.' },
    });
    const revisions = await h.ok(200, 'GET', `/articles/${id}/revisions?locale=en`, {
      token: a.token,
    });
    expect(revisions.body.data.map((r: { number: number }) => r.number)).toEqual([2, 1]);
    const first = revisions.body.data[1];
    const diff = await h.ok(200, 'GET', `/articles/${id}/revisions/${first.id}/diff`, {
      token: a.token,
    });
    expect(diff.body).toMatchObject({ from: 1, to: 2, locale: 'en' });
    expect(diff.body.patch).toContain('-First version.');
    expect(diff.body.patch).toContain('+Changed version.');
    expect(diff.body.patch).toContain('+# Exporting your data');
    const restored = await h.ok(200, 'POST', `/articles/${id}/revisions/${first.id}/restore`, {
      token: a.token,
    });
    expect(restored.body).toMatchObject({ title: 'Exporting data', revision: 3 });
    expect(restored.body.bodyHtml).toContain('First version.');
    const unknown = await h.api('GET', `/articles/${id}/revisions/${created.body.id}/diff`, {
      token: a.token,
    });
    expect(unknown.status).toBe(404);
  });

  it('publishes through the hooks: a veto changes nothing, a publish is notified after commit and fed to integrations', async () => {
    const todo = await h.ok(201, 'POST', '/articles', {
      token: a.token,
      body: { centerId: center.id, title: 'Half done', body: 'TODO write this' },
    });
    const vetoed = await h.api('POST', `/articles/${todo.body.id}/publish`, {
      token: a.token,
      body: {},
    });
    expect(vetoed.status).toBe(400);
    expect(vetoed.body.code).toBe('kb_lint_todo');
    expect(
      (await h.ok(200, 'GET', `/articles/${todo.body.id}`, { token: a.token })).body.status,
    ).toBe('draft');

    const ready = await h.ok(201, 'POST', '/articles', {
      token: a.token,
      body: { centerId: center.id, title: 'All done', body: 'Complete.', tags: ['guide'] },
    });
    const published = await h.ok(200, 'POST', `/articles/${ready.body.id}/publish`, {
      token: a.token,
      body: {},
    });
    expect(published.body).toMatchObject({ status: 'published', tags: ['guide', 'linted'] });
    expect(published.body.publishedAt).toBeTruthy();
    await eventually(() => notices.some((n) => n.articleId === ready.body.id));

    // The feed shows an event once every older transaction in the cluster has finished: poll.
    type Change = { name: string; payload: { articleId: string } };
    let event: Change | undefined;
    await eventually(async () => {
      let cursor = '';
      for (let page = 0; page < 20 && !event; page++) {
        const feed = await h.ok(200, 'GET', `/api/v1/changes?limit=100${cursor}`, {
          token: a.token,
        });
        event = (feed.body.data as Change[]).find(
          (e) => e.name === 'kb.article.published' && e.payload.articleId === ready.body.id,
        );
        if (!feed.body.hasMore) break;
        cursor = `&cursor=${encodeURIComponent(feed.body.nextCursor)}`;
      }
      return event !== undefined;
    }, 20_000);
    expect(event).toBeTruthy();
    expect(event!.payload).toEqual({
      articleId: ready.body.id,
      centerId: center.id,
      locales: ['en'],
    });
    // B's feed never sees A's articles.
    const other = await h.ok(200, 'GET', '/api/v1/changes?limit=100', { token: b.token });
    expect(JSON.stringify(other.body)).not.toContain(ready.body.id);

    // Needs kb:publish; a published article cannot be deleted.
    expect((await h.api('DELETE', `/articles/${ready.body.id}`, { token: a.token })).status).toBe(
      409,
    );
    await h.ok(200, 'POST', `/articles/${ready.body.id}/unpublish`, { token: a.token });
    await h.ok(204, 'DELETE', `/articles/${ready.body.id}`, { token: a.token });
  });

  it('publishes a scheduled article when its time comes', async () => {
    const article = await h.ok(201, 'POST', '/articles', {
      token: a.token,
      body: { centerId: center.id, title: 'Coming soon', body: 'Launch notes.' },
    });
    const at = new Date(Date.now() + 1500).toISOString();
    const scheduled = await h.ok(200, 'POST', `/articles/${article.body.id}/publish`, {
      token: a.token,
      body: { publishAt: at },
    });
    expect(scheduled.body).toMatchObject({ status: 'draft', publishAt: at });
    const path = `/help/${center.slug}/en/articles/coming-soon`;
    expect((await h.page(path)).status).toBe(404);
    await eventually(async () => (await h.page(path)).status === 200, 20_000);
    const after = await h.ok(200, 'GET', `/articles/${article.body.id}`, { token: a.token });
    expect(after.body).toMatchObject({ status: 'published', publishAt: null });
  }, 30_000);

  it('imports a Zendesk Guide export as a job with progress', async () => {
    const target = (
      await h.ok(201, 'POST', '/centers', {
        token: a.token,
        body: {
          slug: uniqueSlug('imported'),
          name: 'Imported',
          defaultLocale: 'en-us',
          locales: ['de'],
        },
      })
    ).body;
    const started = await h.ok(202, 'POST', `/centers/${target.id}/imports`, {
      token: a.token,
      body: {
        categories: [
          { id: 1, name: 'General', description: 'Basics', position: 0, locale: 'en-us' },
        ],
        sections: [
          { id: 10, category_id: 1, name: 'Getting started', position: 0, locale: 'en-us' },
          {
            id: 11,
            category_id: 1,
            parent_section_id: 10,
            name: 'First steps',
            position: 1,
            locale: 'en-us',
          },
        ],
        articles: [
          {
            id: 100,
            section_id: 11,
            title: 'Welcome aboard',
            body: '<p>Hello <script>alert(1)</script><b>there</b></p>',
            locale: 'en-us',
            draft: false,
            label_names: ['Onboarding'],
          },
          {
            id: 101,
            section_id: 10,
            title: 'Draft notes',
            body: '<p>wip</p>',
            locale: 'en-us',
            draft: true,
          },
        ],
        translations: [
          {
            source_id: 100,
            source_type: 'Article',
            locale: 'de',
            title: 'Willkommen an Bord',
            body: '<p>Hallo</p>',
          },
          {
            source_id: 100,
            source_type: 'Article',
            locale: 'ja',
            title: 'ようこそ',
            body: '<p>こんにちは</p>',
          },
        ],
      },
    });
    expect(started.body).toMatchObject({ status: 'queued', total: 7, done: 0 });
    let job: { status: string; done: number; total: number } = started.body;
    await eventually(async () => {
      job = (await h.ok(200, 'GET', `/imports/${started.body.id}`, { token: a.token })).body;
      return job.status === 'succeeded';
    }, 20_000);
    expect(job.done).toBe(job.total);
    const categories = await h.ok(200, 'GET', `/centers/${target.id}/categories`, {
      token: a.token,
    });
    expect(categories.body.data).toHaveLength(3);
    const list = await h.ok(200, 'GET', `/articles?centerId=${target.id}`, { token: a.token });
    const welcome = list.body.data.find((x: { translations: { title: string }[] }) =>
      x.translations.some((t) => t.title === 'Welcome aboard'),
    );
    expect(welcome).toMatchObject({ status: 'published', tags: ['onboarding'] });
    expect(welcome.translations.map((t: { locale: string }) => t.locale).sort()).toEqual([
      'de',
      'en-us',
    ]);
    expect(
      welcome.translations.find((t: { locale: string }) => t.locale === 'en-us').bodyHtml,
    ).toBe('<p>Hello <b>there</b></p>');
    const page = await h.page(`/help/${target.slug}/de/articles/willkommen-an-bord`);
    expect(page.status).toBe(200);
  }, 40_000);

  it('exports the center as Markdown files with front matter', async () => {
    const article = await h.ok(201, 'POST', '/articles', {
      token: a.token,
      body: {
        centerId: center.id,
        title: 'Export me',
        body: '# Hi\n\nMarkdown *body*.',
        tags: ['x'],
      },
    });
    const res = await h.api('GET', `/centers/${center.id}/export`, { token: a.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-tar');
    // The harness reads text; fetch again as bytes.
    const raw = Buffer.from(
      await (
        await fetch(`${h.t.url}/api/p/knowledge-base/centers/${center.id}/export`, {
          headers: { authorization: `Bearer ${a.token}` },
        })
      ).arrayBuffer(),
    );
    const files = untar(raw.subarray(0, 2) === Buffer.from([0x1f, 0x8b]) ? gunzipSync(raw) : raw);
    const file = files.get(`${center.slug}/en/export-me.md`);
    expect(file).toBeDefined();
    expect(file).toContain(`id: ${article.body.id}`);
    expect(file).toContain('title: "Export me"');
    expect(file).toContain('status: draft');
    expect(file).toContain('tags: ["x"]');
    expect(file).toMatch(/---\n# Hi\n\nMarkdown \*body\*\.\n$/);
    expect(files.has(`${center.slug}/categories.json`)).toBe(true);
  });

  it('never shows or touches another workspace’s resources', async () => {
    const article = await h.ok(201, 'POST', '/articles', {
      token: a.token,
      body: { centerId: center.id, title: 'Private to A', body: 'A only.' },
    });
    const category = await h.ok(201, 'POST', '/categories', {
      token: a.token,
      body: {
        centerId: center.id,
        slug: uniqueSlug('cat'),
        translations: { en: { name: 'A cat' } },
      },
    });
    const revision = (
      await h.ok(200, 'GET', `/articles/${article.body.id}/revisions`, { token: a.token })
    ).body.data[0];
    const id = article.body.id;
    const attempts: [string, string, unknown?][] = [
      ['GET', `/centers/${center.id}`],
      ['PATCH', `/centers/${center.id}`, { name: 'Hijacked' }],
      ['DELETE', `/centers/${center.id}`],
      ['GET', `/centers/${center.id}/categories`],
      [
        'PUT',
        `/centers/${center.id}/categories/order`,
        { items: [{ id: category.body.id, parentId: null, position: 0 }] },
      ],
      ['GET', `/centers/${center.id}/export`],
      ['POST', `/centers/${center.id}/imports`, {}],
      ['GET', `/categories/${category.body.id}`],
      ['PATCH', `/categories/${category.body.id}`, { slug: 'stolen' }],
      ['DELETE', `/categories/${category.body.id}`],
      ['GET', `/articles/${id}`],
      ['PATCH', `/articles/${id}`, { tags: ['stolen'] }],
      ['PUT', `/articles/${id}/translations/en`, { title: 'Stolen', body: 'x' }],
      ['DELETE', `/articles/${id}/translations/de`],
      ['POST', `/articles/${id}/publish`, {}],
      ['POST', `/articles/${id}/unpublish`],
      ['POST', `/articles/${id}/archive`],
      ['GET', `/articles/${id}/revisions`],
      ['GET', `/articles/${id}/revisions/${revision.id}/diff`],
      ['POST', `/articles/${id}/revisions/${revision.id}/restore`],
      ['GET', `/articles/${id}/feedback`],
      ['DELETE', `/articles/${id}`],
      [
        'POST',
        '/categories',
        { centerId: center.id, slug: 'x', translations: { en: { name: 'x' } } },
      ],
      ['POST', '/articles', { centerId: center.id, title: 'x', body: 'x' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await h.api(method, path, {
        token: b.token,
        ...(body !== undefined ? { body } : {}),
      });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const lists = [
      await h.ok(200, 'GET', '/centers', { token: b.token }),
      await h.ok(200, 'GET', '/articles?limit=100', { token: b.token }),
      await h.ok(200, 'GET', `/articles?centerId=${center.id}`, { token: b.token }),
      await h.ok(200, 'GET', '/search?q=private', { token: b.token }),
    ];
    for (const list of lists) {
      expect(list.text).not.toContain(center.id);
      expect(list.text).not.toContain(id);
    }
    const still = await h.ok(200, 'GET', `/articles/${id}`, { token: a.token });
    expect(still.body.translations[0].title).toBe('Private to A');
    expect((await h.api('GET', `/centers`, {})).status).toBe(401);
  });

  it('exports and erases an author’s personal data, keeping the articles', async () => {
    const handlers = knowledgeBase.plugin.personalData!;
    const scope = h.t.hd.createScope('privacy-test');
    try {
      const subject = {
        kind: 'user' as const,
        id: a.userId,
        workspaceId: a.workspaceId,
        emails: [a.email],
      };
      const exported = (await handlers.export(subject, scope)) as {
        KnowledgeBaseArticle: unknown[];
      };
      expect(exported.KnowledgeBaseArticle.length).toBeGreaterThan(0);
      const erased = await handlers.erase(subject, scope);
      expect(erased.erased).toBeGreaterThan(0);
      expect(await handlers.export(subject, scope)).toEqual({
        KnowledgeBaseArticle: [],
        KnowledgeBaseRevision: [],
      });
    } finally {
      await scope.dispose();
    }
    const list = await h.ok(200, 'GET', `/articles?centerId=${center.id}`, { token: a.token });
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body.data.every((x: { authorId: string | null }) => x.authorId === null)).toBe(
      true,
    );
  });
});
