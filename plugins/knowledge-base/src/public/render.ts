/**
 * The public pages' HTML: semantic, readable with JavaScript off (every feature is a link or a
 * form), accessible (landmarks, a skip link, labels, `lang` on content in another language),
 * with title, description, canonical and `hreflang` links and Open Graph tags. No inline script
 * or style: the Content-Security-Policy allows same-origin files only.
 */
import type { CenterView } from '../centers.js';
import type { CategoryView } from '../categories.js';
import type { ArticleSearchHit } from '../search.js';
import { html, raw, type Raw } from './html.js';
import { languageName, messagesFor, type Messages } from './messages.js';
import { STATIC_VERSION } from './static.js';

/** Where the center lives for this request: `/help/<slug>` or `''` on its custom host. */
export interface Site {
  center: CenterView;
  base: string;
  /** Static files: `/help/_` or `/_` on a custom host. */
  staticBase: string;
  /** Absolute origin for canonical and Open Graph URLs. */
  origin: string;
  locale: string;
}

export interface PageMeta {
  title: string;
  description: string;
  /** Path (from the site base) of this page in each locale it exists in. */
  alternates: { locale: string; path: string }[];
  canonicalPath: string;
  ogType?: 'website' | 'article';
  noindex?: boolean;
  /** Language of the main content when it differs from the page's (a fallback). */
  contentLocale?: string;
}

export interface ArticleLink {
  title: string;
  slug: string;
  excerpt: string;
  locale: string;
}

export const localeHome = (site: Site, locale = site.locale) => `${site.base}/${locale}/`;
export const articleUrl = (site: Site, slug: string, locale = site.locale) =>
  `${site.base}/${locale}/articles/${encodeURIComponent(slug)}`;
export const categoryUrl = (site: Site, slug: string) =>
  `${site.base}/${site.locale}/categories/${encodeURIComponent(slug)}`;

function categoryName(category: CategoryView, site: Site): string {
  return (
    category.translations[site.locale]?.name ??
    category.translations[site.center.defaultLocale]?.name ??
    category.slug
  );
}

export function layout(site: Site, meta: PageMeta, main: Raw): string {
  const t = messagesFor(site.locale);
  const { center } = site;
  const absolute = (path: string) => `${site.origin}${site.base}${path}`;
  const fullTitle = meta.title === center.name ? center.name : `${meta.title} – ${center.name}`;
  return html`<!doctype html>
    <html lang="${site.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${fullTitle}</title>
        <meta name="description" content="${meta.description}" />
        ${meta.noindex ? html`<meta name="robots" content="noindex" />` : ''}
        <link rel="canonical" href="${absolute(meta.canonicalPath)}" />
        ${meta.alternates.map(
          (a) => html`<link rel="alternate" hreflang="${a.locale}" href="${absolute(a.path)}" /> `,
        )}${meta.alternates.length > 1 ? html`<link rel="alternate" hreflang="x-default" href="${absolute(meta.alternates.find((a) => a.locale === center.defaultLocale)?.path ?? meta.canonicalPath)}" />` : ''}
        <meta property="og:type" content="${meta.ogType ?? 'website'}" />
        <meta property="og:site_name" content="${center.name}" />
        <meta property="og:title" content="${meta.title}" />
        <meta property="og:description" content="${meta.description}" />
        <meta property="og:url" content="${absolute(meta.canonicalPath)}" />
        <meta property="og:locale" content="${site.locale.replace('-', '_')}" />
        ${center.logoAssetId ? html`<meta property="og:image" content="${absolute(`/assets/${center.logoAssetId}`)}" />` : ''}
        <meta name="twitter:card" content="summary" />
        <link rel="stylesheet" href="${site.staticBase}/kb.css?v=${STATIC_VERSION}" />
        <link rel="stylesheet" href="${site.base}/theme.css?v=${center.cacheVersion}" />
        <script src="${site.staticBase}/kb.js?v=${STATIC_VERSION}" defer></script>
      </head>
      <body>
        <a class="kb-skip" href="#main">${t.skip}</a>
        <header class="kb-header">
          <div class="kb-wrap">
            <a class="kb-brand" href="${localeHome(site)}"
              >${center.logoAssetId ? html`<img src="${site.base}/assets/${center.logoAssetId}" alt="" height="32" />` : ''}<span
                >${center.name}</span
              ></a
            >
            <form
              class="kb-search"
              role="search"
              action="${site.base}/${site.locale}/search"
              method="get"
            >
              <label for="kb-q" class="kb-sr">${t.searchPlaceholder}</label>
              <input
                id="kb-q"
                name="q"
                type="search"
                placeholder="${t.searchPlaceholder}"
                autocomplete="off"
                maxlength="200"
              />
              <button type="submit">${t.search}</button>
            </form>
            ${
              center.locales.length > 1
                ? html`<nav class="kb-langs" aria-label="${t.language}">
                    <ul>
                      ${center.locales.map((l) => html`<li><a href="${meta.alternates.find((a) => a.locale === l)?.path ? `${site.base}${meta.alternates.find((a) => a.locale === l)!.path}` : localeHome(site, l)}" hreflang="${l}" lang="${l}" ${l === site.locale ? raw(' aria-current="true"') : ''}>${languageName(l)}</a></li>`)}
                    </ul>
                  </nav>`
                : ''
            }
          </div>
        </header>
        <main
          id="main"
          class="kb-wrap"
          ${meta.contentLocale && meta.contentLocale !== site.locale ? raw(` lang="${meta.contentLocale}"`) : ''}
        >
          ${main}
        </main>
        <footer class="kb-footer">
          <div class="kb-wrap">
            ${center.contactEnabled ? html`<a href="${site.base}/${site.locale}/contact">${t.contact}</a>` : ''}
          </div>
        </footer>
      </body>
    </html> `.value;
}

function articleList(site: Site, articles: ArticleLink[]): Raw {
  return html`<ul class="kb-list">
    ${articles.map(
      (a) =>
        html`<li>
          <a
            href="${articleUrl(site, a.slug)}"
            ${a.locale !== site.locale ? raw(` hreflang="${a.locale}"`) : ''}
            >${a.title}</a
          >${a.excerpt ? html`<p>${a.excerpt}</p>` : ''}
        </li>`,
    )}
  </ul>`;
}

export function homePage(
  site: Site,
  sections: { category: CategoryView; articles: ArticleLink[] }[],
  uncategorized: ArticleLink[],
): string {
  const t = messagesFor(site.locale);
  const main = html`<h1>${site.center.name}</h1>
    ${sections.length ? html`<h2>${t.categories}</h2>` : ''}
    ${sections.map(
      ({ category, articles }) =>
        html`<section class="kb-section" aria-labelledby="c-${category.id}">
          <h3 id="c-${category.id}">
            <a href="${categoryUrl(site, category.slug)}">${categoryName(category, site)}</a>
          </h3>
          ${articleList(site, articles)}
        </section>`,
    )}
    ${
      uncategorized.length
        ? html`<section class="kb-section">
            <h2>${t.articles}</h2>
            ${articleList(site, uncategorized)}
          </section>`
        : ''
    }`;
  return layout(
    site,
    {
      title: site.center.name,
      description: `${site.center.name}: ${t.articles}`,
      canonicalPath: `/${site.locale}/`,
      alternates: site.center.locales.map((l) => ({ locale: l, path: `/${l}/` })),
    },
    main,
  );
}

export function categoryPage(
  site: Site,
  category: CategoryView,
  children: CategoryView[],
  articles: ArticleLink[],
): string {
  const name = categoryName(category, site);
  const description =
    category.translations[site.locale]?.description ??
    category.translations[site.center.defaultLocale]?.description ??
    '';
  const t = messagesFor(site.locale);
  const main = html`<nav aria-label="Breadcrumb" class="kb-crumbs">
      <ol>
        <li><a href="${localeHome(site)}">${t.home}</a></li>
        <li aria-current="page">${name}</li>
      </ol>
    </nav>
    <h1>${name}</h1>
    ${description ? html`<p class="kb-lead">${description}</p>` : ''}
    ${
      children.length
        ? html`<ul class="kb-list">
            ${children.map((c) => html`<li><a href="${categoryUrl(site, c.slug)}">${categoryName(c, site)}</a></li>`)}
          </ul>`
        : ''
    }
    ${articleList(site, articles)}`;
  return layout(
    site,
    {
      title: name,
      description: description || name,
      canonicalPath: `/${site.locale}/categories/${encodeURIComponent(category.slug)}`,
      alternates: site.center.locales.map((l) => ({
        locale: l,
        path: `/${l}/categories/${encodeURIComponent(category.slug)}`,
      })),
    },
    main,
  );
}

export interface ArticlePageData {
  title: string;
  slug: string;
  locale: string;
  bodyHtml: string;
  excerpt: string;
  updatedAt: string;
  category: CategoryView | null;
  /** Every translation of the article: the hreflang alternates. */
  translations: { locale: string; slug: string }[];
  related: ArticleLink[];
  /** Set after a vote (the feedback form's redirect). */
  voted: boolean;
}

export function articlePage(site: Site, article: ArticlePageData): string {
  const t = messagesFor(site.locale);
  const fallback = article.locale !== site.locale;
  const main = html`<nav aria-label="Breadcrumb" class="kb-crumbs">
      <ol>
        <li><a href="${localeHome(site)}">${t.home}</a></li>
        ${article.category ? html`<li><a href="${categoryUrl(site, article.category.slug)}">${categoryName(article.category, site)}</a></li>` : ''}
        <li aria-current="page">${article.title}</li>
      </ol>
    </nav>
    <article class="kb-article">
      ${fallback ? html`<p class="kb-notice" lang="${site.locale}">${t.fallbackNotice(languageName(site.locale))}</p>` : ''}
      <h1>${article.title}</h1>
      <p class="kb-meta" lang="${site.locale}">
        ${t.updated} <time datetime="${article.updatedAt}">${article.updatedAt.slice(0, 10)}</time>
      </p>
      <div class="kb-body">${raw(article.bodyHtml)}</div>
    </article>
    <section class="kb-feedback" aria-labelledby="kb-feedback-title" lang="${site.locale}">
      ${
        article.voted
          ? html`<p role="status">${t.thanks}</p>`
          : html`<form method="post" action="${articleUrl(site, article.slug)}/feedback">
              <h2 id="kb-feedback-title">${t.helpful}</h2>
              <button type="submit" name="helpful" value="yes">${t.yes}</button>
              <button type="submit" name="helpful" value="no">${t.no}</button>
            </form>`
      }
    </section>
    ${
      article.related.length
        ? html`<section class="kb-related" aria-labelledby="kb-related-title" lang="${site.locale}">
            <h2 id="kb-related-title">${t.related}</h2>
            ${articleList(site, article.related)}
          </section>`
        : ''
    }`;
  return layout(
    site,
    {
      title: article.title,
      description: article.excerpt,
      ogType: 'article',
      canonicalPath: `/${article.locale}/articles/${encodeURIComponent(article.slug)}`,
      alternates: article.translations.map((tr) => ({
        locale: tr.locale,
        path: `/${tr.locale}/articles/${encodeURIComponent(tr.slug)}`,
      })),
      contentLocale: article.locale,
    },
    main,
  );
}

export function searchPage(site: Site, q: string, hits: ArticleSearchHit[]): string {
  const t = messagesFor(site.locale);
  const main = html`<h1>${q ? t.searchResults(q) : t.search}</h1>
    <form
      class="kb-search kb-search-big"
      role="search"
      method="get"
      action="${site.base}/${site.locale}/search"
    >
      <label for="kb-q2">${t.searchPlaceholder}</label>
      <input id="kb-q2" name="q" type="search" value="${q}" maxlength="200" />
      <button type="submit">${t.search}</button>
    </form>
    ${q && hits.length === 0 ? html`<p role="status">${t.noResults}</p>` : ''}
    <ol class="kb-results">
      ${hits.map(
        (hit) =>
          html`<li>
            <a
              href="${articleUrl(site, hit.slug, hit.locale === site.locale ? site.locale : hit.locale)}"
              >${hit.title}</a
            >
            <p>${raw(hit.snippet || '')}</p>
          </li>`,
      )}
    </ol>`;
  return layout(
    site,
    {
      title: q ? t.searchResults(q) : t.search,
      description: t.search,
      canonicalPath: `/${site.locale}/search`,
      alternates: [],
      noindex: true,
    },
    main,
  );
}

export interface ContactForm {
  name: string;
  email: string;
  subject: string;
  message: string;
}

export function contactPage(
  site: Site,
  state: {
    token: string;
    values: ContactForm;
    errors: Partial<Record<keyof ContactForm, string>>;
    banner?: string;
    sent?: boolean;
  },
): string {
  const t: Messages = messagesFor(site.locale);
  const field = (name: keyof ContactForm, label: string, input: Raw) =>
    html`<div class="kb-field${state.errors[name] ? ' kb-invalid' : ''}">
      <label for="kb-${name}">${label}</label>
      ${input}
      ${state.errors[name] ? html`<p class="kb-error" id="kb-${name}-error">${state.errors[name]}</p>` : ''}
    </div>`;
  const described = (name: keyof ContactForm) =>
    state.errors[name] ? raw(` aria-invalid="true" aria-describedby="kb-${name}-error"`) : raw('');
  const main = state.sent
    ? html`<h1>${t.contact}</h1>
        <p role="status">${t.sent}</p>`
    : html`<h1>${t.contact}</h1>
        <p>${t.contactIntro}</p>
        ${state.banner ? html`<p class="kb-notice" role="alert">${state.banner}</p>` : ''}
        <form
          class="kb-contact"
          method="post"
          action="${site.base}/${site.locale}/contact"
          novalidate
        >
          <input type="hidden" name="token" value="${state.token}" />
          <div class="kb-hp" aria-hidden="true">
            <label for="kb-website">${t.hp}</label
            ><input id="kb-website" name="website" type="text" tabindex="-1" autocomplete="off" />
          </div>
          ${field('name', t.name, html`<input id="kb-name" name="name" type="text" autocomplete="name" maxlength="100" value="${state.values.name}" ${described('name')} />`)}
          ${field('email', t.email, html`<input id="kb-email" name="email" type="email" autocomplete="email" required maxlength="254" value="${state.values.email}" ${described('email')} />`)}
          ${field('subject', t.subject, html`<input id="kb-subject" name="subject" type="text" required maxlength="200" value="${state.values.subject}" data-kb-suggest="${site.base}/${site.locale}/search.json" aria-controls="kb-suggestions" ${described('subject')} />`)}
          <div
            id="kb-suggestions"
            class="kb-suggestions"
            aria-live="polite"
            data-title="${t.suggestions}"
          ></div>
          ${field('message', t.message, html`<textarea id="kb-message" name="message" rows="8" required maxlength="10000" ${described('message')}>${state.values.message}</textarea>`)}
          <button type="submit">${t.send}</button>
        </form>`;
  return layout(
    site,
    {
      title: t.contact,
      description: t.contactIntro,
      canonicalPath: `/${site.locale}/contact`,
      alternates: [],
      noindex: true,
    },
    main,
  );
}

export function notFoundPage(site: Site): string {
  const t = messagesFor(site.locale);
  return layout(
    site,
    {
      title: t.notFound,
      description: t.notFoundText,
      canonicalPath: `/${site.locale}/`,
      alternates: [],
      noindex: true,
    },
    html`<h1>${t.notFound}</h1>
      <p>${t.notFoundText}</p>
      <p><a href="${localeHome(site)}">${t.home}</a></p>`,
  );
}

export function sitemapXml(
  site: Site,
  entries: { path: string; lastmod: string; alternates: { locale: string; path: string }[] }[],
): string {
  const abs = (p: string) => `${site.origin}${site.base}${p}`;
  return html`<?xml version="1.0" encoding="UTF-8"?>
    <urlset
      xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:xhtml="http://www.w3.org/1999/xhtml"
    >
      ${entries.map(
        (e) =>
          html`<url
            ><loc>${abs(e.path)}</loc><lastmod>${e.lastmod}</lastmod>${e.alternates.map(
              (a) =>
                html`<xhtml:link rel="alternate" hreflang="${a.locale}" href="${abs(a.path)}" />`,
            )}</url
          > `,
      )}</urlset
    > `.value;
}

export function themeCss(center: CenterView): string {
  const color = /^#[0-9a-fA-F]{3,8}$/.test(center.primaryColor) ? center.primaryColor : '#1f6feb';
  return `:root{--kb-primary:${color}}\n`;
}
