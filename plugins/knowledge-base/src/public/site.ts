/**
 * The public help center as a page mount (`ctx.page`): `/help/<center>/<locale>/…` on the
 * helpdesk's own host, and `/<locale>/…` on a center's custom host names.
 *
 *   /help, /help/search?q=           → the default center (302)
 *   <base>/                          → the visitor's language (Accept-Language), 302
 *   <base>/<locale>/                 → home: categories and their articles
 *   <base>/<locale>/categories/<s>   → a category
 *   <base>/<locale>/articles/<s>     → an article (fallback to the default locale); POST …/feedback
 *   <base>/<locale>/search?q=        → results with highlighted snippets; search.json for scripts
 *   <base>/<locale>/contact          → the contact form (GET, POST)
 *   <base>/sitemap.xml, robots.txt, theme.css, assets/<id>
 *   /help/_/kb.css, /help/_/kb.js    → static files (`/_/…` on a custom host)
 *
 * Every answer carries the help center's strict CSP. Pages are cached per center version
 * (`runtime.ts`) and answered with an ETag and `Cache-Control: public, no-cache`, so browsers
 * and proxies revalidate (a 304 costs nothing) and a publish is visible at once.
 */
import type { Scope as KbScope } from '../ids.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { withWorkspace, type HookContext, type PageMount, type PageRequest } from '@novumdesk/core';
import type { CenterView } from '../centers.js';
import { sqlFor } from '../db.js';
import { negotiateLocale } from '../locales.js';
import type { KnowledgeBaseOptions } from '../options.js';
import type { Address, CachedPage, KnowledgeBaseRuntime } from '../runtime.js';
import type { ArticleSearchHit, ArticleSearchProvider, ArticleSearchQuery } from '../search.js';
import {
  ContactFormSchema,
  ContactGuard,
  ContactUnavailableError,
  readForm,
  submitContact,
} from './contact.js';
import { messagesFor } from './messages.js';
import {
  publicArticleBySlug,
  publicArticles,
  publicCategories,
  relatedArticles,
  sitemapEntries,
  type PublicScope,
} from './queries.js';
import {
  articlePage,
  articleUrl,
  categoryPage,
  contactPage,
  homePage,
  notFoundPage,
  searchPage,
  sitemapXml,
  themeCss,
  type ContactForm,
  type Site,
} from './render.js';
import { KB_CSS, KB_JS } from './static.js';

export const HELP_PREFIX = '/help';

/** The help center's policy: same-origin files only, no inline code, no framing. */
export const HELP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Koa = PageRequest['koa'];
type Scope = KbScope;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface SiteDeps {
  options: KnowledgeBaseOptions;
  /** This helpdesk's runtime once it is built (at boot); `claimsHost` has no scope to ask. */
  runtime: () => KnowledgeBaseRuntime | null;
  search: (
    em: EntityManager,
    query: ArticleSearchQuery,
    ctx: HookContext,
  ) => Promise<ArticleSearchHit[]>;
}

export function helpCenterMount(deps: SiteDeps): PageMount {
  let guard: ContactGuard | null = null;
  return {
    name: 'help-center',
    paths: [HELP_PREFIX],
    claimsHost: (host) => deps.runtime()?.claimsHost(host) ?? false,
    async handle(page) {
      page.koa.set('Content-Security-Policy', HELP_CSP);
      const contactGuard = () => (guard ??= new ContactGuard(page.scope.cradle.config.secret));
      return route(page, deps, deps.runtime() ?? page.scope.cradle.knowledgeBase, contactGuard);
    },
  };
}

function send(koa: Koa, status: number, type: string, body: string, cache = 'no-store'): true {
  koa.status = status;
  koa.type = type;
  koa.set('Cache-Control', cache);
  koa.body = body;
  return true;
}

function redirect(koa: Koa, location: string, status = 302): true {
  koa.status = status;
  koa.set('Cache-Control', 'no-store');
  koa.redirect(location);
  koa.status = status;
  return true;
}

function staticFile(koa: Koa, name: string): boolean {
  if (name === 'kb.css') return send(koa, 200, 'text/css; charset=utf-8', KB_CSS, IMMUTABLE);
  if (name === 'kb.js') return send(koa, 200, 'text/javascript; charset=utf-8', KB_JS, IMMUTABLE);
  return false;
}

async function route(
  page: PageRequest,
  deps: SiteDeps,
  runtime: KnowledgeBaseRuntime,
  guard: () => ContactGuard,
): Promise<boolean> {
  const { koa, byHost } = page;
  const em = () => page.scope.cradle.em;
  let address: Address | null;
  let base: string;
  let rest: string;
  if (byHost) {
    if (koa.path.startsWith('/_/')) return staticFile(koa, koa.path.slice(3));
    address = runtime.addressOfHost(page.host);
    base = '';
    rest = koa.path;
  } else {
    const path = koa.path.slice(HELP_PREFIX.length);
    if (path.startsWith('/_/')) return staticFile(koa, path.slice(3));
    if (path === '' || path === '/' || path === '/search') {
      const fallback = await runtime.defaultCenterAddress(em);
      const center = fallback && (await runtime.center(em, fallback));
      if (!center) return send(koa, 404, 'text/plain; charset=utf-8', 'No help center here.');
      const locale = negotiateLocale(
        koa.get('accept-language'),
        center.locales,
        center.defaultLocale,
      );
      koa.vary('Accept-Language');
      const target = `${HELP_PREFIX}/${center.slug}/${locale}/${path === '/search' ? `search${koa.search}` : ''}`;
      return redirect(koa, target);
    }
    const match = /^\/([a-z][a-z0-9-]*)(\/.*)?$/.exec(path);
    if (!match) return send(koa, 404, 'text/plain; charset=utf-8', 'Not found');
    address = await runtime.addressOfSlug(em, match[1]!);
    base = `${HELP_PREFIX}/${match[1]}`;
    rest = match[2] ?? '';
  }
  const center = address && (await runtime.center(em, address));
  if (!address || !center)
    return send(koa, 404, 'text/plain; charset=utf-8', 'No such help center.');
  const origin = byHost
    ? `${koa.protocol}://${koa.host}`
    : (runtime.publicUrl?.replace(/\/+$/, '') ?? `${koa.protocol}://${koa.host}`);
  const site: Site = {
    center,
    base,
    staticBase: byHost ? '/_' : `${HELP_PREFIX}/_`,
    origin,
    locale: center.defaultLocale,
  };
  const ctx: RouteContext = {
    koa,
    get scope() {
      return page.scope;
    },
    get em() {
      return page.scope.cradle.em;
    },
    runtime,
    address,
    center,
    site,
    deps,
    get guard() {
      return guard();
    },
  };

  if (rest === '' || rest === '/') {
    const locale = negotiateLocale(
      koa.get('accept-language'),
      center.locales,
      center.defaultLocale,
    );
    koa.vary('Accept-Language');
    return redirect(koa, `${base}/${locale}/`);
  }
  if (rest === '/sitemap.xml')
    return cached(ctx, 'application/xml; charset=utf-8', () => sitemap(ctx));
  if (rest === '/robots.txt') {
    return send(
      koa,
      200,
      'text/plain; charset=utf-8',
      `User-agent: *\nAllow: ${base || '/'}\nDisallow: ${base}/*/search\nDisallow: ${base}/*/contact\nSitemap: ${origin}${base}/sitemap.xml\n`,
      'public, max-age=3600',
    );
  }
  if (rest === '/theme.css') {
    return send(koa, 200, 'text/css; charset=utf-8', themeCss(center), 'public, max-age=300');
  }
  const asset = /^\/assets\/([0-9a-f-]{36})$/.exec(rest);
  if (asset) return serveAsset(ctx, asset[1]!);

  const localized = /^\/([a-z]{2,3}(?:-[a-z0-9]{2,8})?)(\/.*)?$/.exec(rest);
  if (!localized || !center.locales.includes(localized[1]!)) return notFound(ctx);
  site.locale = localized[1]!;
  const sub = localized[2] ?? '';
  if (sub === '') return redirect(koa, `${base}/${site.locale}/`, 301);
  const method = koa.method;
  const read = method === 'GET' || method === 'HEAD';
  if (sub === '/' && read) return cached(ctx, 'text/html; charset=utf-8', () => home(ctx));
  if (sub === '/search' && read) return cached(ctx, 'text/html; charset=utf-8', () => search(ctx));
  if (sub === '/search.json' && read) {
    return cached(ctx, 'application/json; charset=utf-8', () => suggest(ctx));
  }
  if (sub === '/contact') {
    if (read) return contactForm(ctx);
    if (method === 'POST') return contactSubmit(ctx);
    return false;
  }
  const category = /^\/categories\/([a-z0-9-]+)$/.exec(sub);
  if (category && read) {
    return cached(ctx, 'text/html; charset=utf-8', () => categoryView(ctx, category[1]!));
  }
  const article = /^\/articles\/([^/]+)(\/feedback)?$/.exec(sub);
  if (article) {
    const slug = decodeURIComponent(article[1]!);
    if (article[2]) return method === 'POST' ? feedback(ctx, slug) : false;
    if (read) return cached(ctx, 'text/html; charset=utf-8', () => articleView(ctx, slug));
  }
  return read ? notFound(ctx) : false;
}

interface RouteContext {
  koa: Koa;
  readonly scope: Scope;
  readonly em: EntityManager;
  runtime: KnowledgeBaseRuntime;
  address: Address;
  center: CenterView;
  site: Site;
  deps: SiteDeps;
  readonly guard: ContactGuard;
}

type Rendered = Omit<CachedPage, 'etag' | 'type'> | { redirect: string };

function inCenter<T>(
  ctx: RouteContext,
  fn: (sql: ReturnType<typeof sqlFor>, em: EntityManager) => Promise<T>,
) {
  return withWorkspace(ctx.em, ctx.address.workspaceId, (tx) => fn(sqlFor(tx), tx));
}

const publicScope = (ctx: RouteContext): PublicScope => ({
  centerId: ctx.center.id,
  locale: ctx.site.locale,
  defaultLocale: ctx.center.defaultLocale,
});

/** Serves from the page cache (keyed by center version and URL) with ETag revalidation. */
async function cached(
  ctx: RouteContext,
  type: string,
  render: () => Promise<Rendered>,
): Promise<boolean> {
  const { koa, center, site } = ctx;
  const runtime = ctx.runtime;
  const key = `${center.id}|${center.cacheVersion}|${site.origin}${koa.path}?${koa.querystring}`;
  let entry = runtime.cachedPage(key);
  if (!entry) {
    const rendered = await render();
    if ('redirect' in rendered) return redirect(koa, rendered.redirect, 301);
    entry = runtime.cachePage(key, { ...rendered, type });
  }
  if (entry.articleId && entry.status === 200)
    runtime.countView(ctx.address.workspaceId, entry.articleId);
  koa.set('ETag', entry.etag);
  koa.set('Cache-Control', 'public, no-cache');
  if (entry.status === 200 && koa.get('if-none-match') === entry.etag) {
    koa.status = 304;
    return true;
  }
  koa.status = entry.status;
  koa.type = entry.type;
  koa.body = entry.body;
  return true;
}

function notFound(ctx: RouteContext): true {
  return send(ctx.koa, 404, 'text/html; charset=utf-8', notFoundPage(ctx.site));
}

async function home(ctx: RouteContext): Promise<Rendered> {
  const { categories, articles } = await inCenter(ctx, async (sql) => ({
    categories: await publicCategories(sql, ctx.center.id),
    articles: await publicArticles(sql, publicScope(ctx), { limit: 500 }),
  }));
  const top = categories.filter((c) => c.parentId === null);
  // Articles of sub-categories show under their top-level category.
  const topOf = new Map<string, string>();
  const parentOf = new Map(categories.map((c) => [c.id, c.parentId]));
  for (const c of categories) {
    let id = c.id;
    for (let depth = 0; parentOf.get(id) && depth < 20; depth++) id = parentOf.get(id)!;
    topOf.set(c.id, id);
  }
  const sections = top
    .map((category) => ({
      category,
      articles: articles
        .filter((a) => a.categoryId && topOf.get(a.categoryId) === category.id)
        .slice(0, 10),
    }))
    .filter((s) => s.articles.length > 0);
  const uncategorized = articles.filter((a) => !a.categoryId).slice(0, 20);
  return { status: 200, body: homePage(ctx.site, sections, uncategorized) };
}

async function categoryView(ctx: RouteContext, slug: string): Promise<Rendered> {
  const found = await inCenter(ctx, async (sql) => {
    const categories = await publicCategories(sql, ctx.center.id);
    const category = categories.find((c) => c.slug === slug);
    if (!category) return null;
    const articles = await publicArticles(sql, publicScope(ctx), {
      where: 'a.category_id = ?',
      params: [category.id],
      limit: 500,
    });
    return { category, children: categories.filter((c) => c.parentId === category.id), articles };
  });
  if (!found) return { status: 404, body: notFoundPage(ctx.site) };
  return {
    status: 200,
    body: categoryPage(ctx.site, found.category, found.children, found.articles),
  };
}

async function articleView(ctx: RouteContext, slug: string): Promise<Rendered> {
  const voted = ctx.koa.query.voted === '1';
  const result = await inCenter(ctx, async (sql) => {
    const lookup = await publicArticleBySlug(sql, publicScope(ctx), slug);
    if (lookup.kind !== 'found') return { lookup, related: [], category: null };
    const related = await relatedArticles(sql, publicScope(ctx), lookup.article);
    const categories = lookup.article.categoryId ? await publicCategories(sql, ctx.center.id) : [];
    return {
      lookup,
      related,
      category: categories.find((c) => c.id === lookup.article.categoryId) ?? null,
    };
  });
  const { lookup } = result;
  if (lookup.kind === 'moved') return { redirect: articleUrl(ctx.site, lookup.slug) };
  if (lookup.kind === 'missing') return { status: 404, body: notFoundPage(ctx.site) };
  const article = lookup.article;
  return {
    status: 200,
    articleId: article.id,
    body: articlePage(ctx.site, {
      title: article.title,
      slug: article.slug,
      locale: article.locale,
      bodyHtml: article.bodyHtml,
      excerpt: article.excerpt,
      updatedAt: article.updatedAt,
      category: result.category,
      translations: article.translations.filter((t) => ctx.center.locales.includes(t.locale)),
      related: result.related,
      voted,
    }),
  };
}

async function runSearch(ctx: RouteContext, q: string, limit: number): Promise<ArticleSearchHit[]> {
  if (!q.trim()) return [];
  return inCenter(ctx, (_sql, tx) =>
    ctx.deps.search(
      tx,
      {
        workspaceId: ctx.address.workspaceId,
        centerId: ctx.center.id,
        locale: ctx.site.locale,
        defaultLocale: ctx.center.defaultLocale,
        q,
        audience: 'public',
        limit,
      },
      {
        em: tx,
        scope: ctx.scope,
        actor: null,
        workspaceId: ctx.address.workspaceId,
        requestId: ctx.scope.cradle.requestId,
      },
    ),
  );
}

const queryText = (ctx: RouteContext) =>
  (typeof ctx.koa.query.q === 'string' ? ctx.koa.query.q : '').slice(0, 200);

async function search(ctx: RouteContext): Promise<Rendered> {
  const q = queryText(ctx);
  return { status: 200, body: searchPage(ctx.site, q, await runSearch(ctx, q, 20)) };
}

async function suggest(ctx: RouteContext): Promise<Rendered> {
  const hits = await runSearch(ctx, queryText(ctx), 5);
  return {
    status: 200,
    body: JSON.stringify({
      data: hits.map((h) => ({
        title: h.title,
        url: articleUrl(ctx.site, h.slug, h.locale),
        snippet: h.snippet,
      })),
    }),
  };
}

async function sitemap(ctx: RouteContext): Promise<Rendered> {
  const entries = await inCenter(ctx, (sql) => sitemapEntries(sql, ctx.center));
  return { status: 200, body: sitemapXml(ctx.site, entries) };
}

async function serveAsset(ctx: RouteContext, id: string): Promise<boolean> {
  if (!UUID.test(id)) return notFound(ctx);
  const row = await inCenter(
    ctx,
    async (sql) =>
      (
        await sql(
          `select storage_key, content_type from knowledge_base_asset where id = ? and center_id = ?`,
          [id, ctx.center.id],
        )
      )[0],
  );
  const object = row ? await ctx.scope.cradle.storage.get(row.storage_key) : null;
  if (!row || !object) return notFound(ctx);
  const koa = ctx.koa;
  koa.set('Cache-Control', IMMUTABLE);
  koa.set('X-Content-Type-Options', 'nosniff');
  koa.set('Content-Disposition', 'inline');
  koa.type = row.content_type;
  koa.body = object.data;
  return true;
}

const EMPTY_FORM: ContactForm = { name: '', email: '', subject: '', message: '' };

function contactForm(ctx: RouteContext): boolean {
  if (!ctx.center.contactEnabled) return notFound(ctx);
  const token = ctx.guard.issue(ctx.center.id, ctx.scope.cradle.clock.now());
  const prefill =
    typeof ctx.koa.query.subject === 'string' ? ctx.koa.query.subject.slice(0, 200) : '';
  return send(
    ctx.koa,
    200,
    'text/html; charset=utf-8',
    contactPage(ctx.site, { token, values: { ...EMPTY_FORM, subject: prefill }, errors: {} }),
  );
}

async function contactSubmit(ctx: RouteContext): Promise<boolean> {
  const { koa, center, site, scope, guard } = ctx;
  if (!center.contactEnabled) return notFound(ctx);
  const t = messagesFor(site.locale);
  const form = await readForm(koa.req);
  if (!form) return send(koa, 400, 'text/plain; charset=utf-8', 'Expected a form submission.');
  const now = scope.cradle.clock.now();
  const values: ContactForm = {
    name: form.name ?? '',
    email: form.email ?? '',
    subject: form.subject ?? '',
    message: form.message ?? '',
  };
  const again = (
    status: number,
    banner: string,
    errors: Partial<Record<keyof ContactForm, string>> = {},
  ) =>
    send(
      koa,
      status,
      'text/html; charset=utf-8',
      contactPage(site, { token: guard.issue(center.id, now), values, errors, banner }),
    );
  // Bots: the honeypot filled, or no (valid, not too quick) token. Answered like a rejection,
  // not a success, so a person who tripped it by accident can send again.
  const verdict = guard.check(
    form.token ?? '',
    center.id,
    now,
    ctx.deps.options.contactMinFillSeconds * 1000,
  );
  if ((form.website ?? '') !== '' || verdict !== 'ok') {
    scope.cradle.logger.info(
      { centerId: center.id, verdict, honeypot: !!form.website },
      'contact form refused as automated',
    );
    return again(400, t.invalid);
  }
  if (!(await guard.allow(ctx.em, center.id, koa.ip, ctx.deps.options.contactRateLimit, now))) {
    koa.set('Retry-After', String(ctx.deps.options.contactRateLimit.windowSeconds));
    return again(429, t.tooMany);
  }
  const parsed = ContactFormSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Partial<Record<keyof ContactForm, string>> = {};
    for (const issue of parsed.error.issues)
      errors[issue.path[0] as keyof ContactForm] = issue.message;
    return again(400, t.invalid, errors);
  }
  try {
    await submitContact(scope, center, ctx.address.workspaceId, parsed.data);
  } catch (error) {
    if (error instanceof ContactUnavailableError) {
      return send(koa, 503, 'text/plain; charset=utf-8', 'The contact form is not available.');
    }
    throw error;
  }
  return send(
    koa,
    201,
    'text/html; charset=utf-8',
    contactPage(site, { token: '', values: EMPTY_FORM, errors: {}, sent: true }),
  );
}

async function feedback(ctx: RouteContext, slug: string): Promise<boolean> {
  const { koa, scope, guard } = ctx;
  const form = await readForm(koa.req, 1024);
  const helpful = form?.helpful === 'yes' ? true : form?.helpful === 'no' ? false : null;
  if (helpful === null)
    return send(koa, 400, 'text/plain; charset=utf-8', 'Expected helpful=yes or no.');
  const now = scope.cradle.clock.now();
  const lookup = await inCenter(ctx, (sql) => publicArticleBySlug(sql, publicScope(ctx), slug));
  if (lookup.kind !== 'found') return notFound(ctx);
  const article = lookup.article;
  // One vote per visitor and article a day counts; the answer is the same either way.
  const counts = await guard.allow(
    ctx.em,
    `vote:${article.id}`,
    koa.ip,
    { limit: 1, windowSeconds: 86_400 },
    now,
  );
  if (counts) {
    await inCenter(ctx, async (sql) => {
      const column = helpful ? 'helpful' : 'not_helpful';
      await sql(`update knowledge_base_article set ${column} = ${column} + 1 where id = ?`, [
        article.id,
      ]);
      await sql(
        `insert into knowledge_base_feedback (workspace_id, article_id, locale, day, helpful, not_helpful)
         values (?, ?, ?, ?::date, ?, ?)
         on conflict (article_id, locale, day) do update set
           helpful = knowledge_base_feedback.helpful + excluded.helpful,
           not_helpful = knowledge_base_feedback.not_helpful + excluded.not_helpful`,
        [
          ctx.address.workspaceId,
          article.id,
          article.locale,
          now.toISOString().slice(0, 10),
          helpful ? 1 : 0,
          helpful ? 0 : 1,
        ],
      );
    });
  }
  return redirect(koa, `${articleUrl(ctx.site, article.slug, ctx.site.locale)}?voted=1`, 303);
}

export type { ArticleSearchProvider };
