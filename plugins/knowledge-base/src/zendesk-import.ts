/**
 * Import of a Zendesk Guide export — the Help Center API's documented list shapes:
 * `categories` (`id, name, description, position, locale`), `sections` (`id, category_id,
 * parent_section_id, name, description, position, locale`), `articles` (`id, section_id, title,
 * body, locale, draft, position, label_names`) and `translations` (`source_id, source_type,
 * locale, title, body, draft`).
 *
 * Categories become top-level categories, sections their sub-categories (nested sections too),
 * articles keep their HTML (sanitized like any rich-text body), labels become tags, and
 * non-draft articles are published (the import does not run `beforePublish`). Translations in
 * locales the center does not offer are skipped and counted.
 *
 * It runs as a job in batches, each its own workspace transaction, updating `done` after each,
 * so `GET /imports/:id` shows progress. Ids are derived from the import and the Zendesk ids,
 * so a retried job skips what an earlier attempt committed.
 */
import { createHash } from 'node:crypto';
import type { Scope as KbScope } from './ids.js';
import { withWorkspace } from '@novumdesk/core';
import { saveTranslation } from './articles.js';
import { bumpCenterVersion, centerView } from './centers.js';
import { json, sqlFor, type Sql } from './db.js';
import { slugify } from './slug.js';

export const IMPORT_JOB = 'knowledge-base.import';
const BATCH = 25;

export interface ImportJob {
  importWorkspace: string;
  importId: string;
}

type Item = Record<string, unknown>;
interface Source {
  categories: Item[];
  sections: Item[];
  articles: Item[];
  translations: Item[];
}

/** A stable UUID (v8 layout) from the import id and a Zendesk object. */
export function derivedId(importId: string, kind: string, zendeskId: unknown): string {
  const hex = createHash('sha256')
    .update(`${importId}:${kind}:${String(zendeskId)}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const str = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : fallback;
const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;

export function totalOf(source: Source): number {
  return (
    source.categories.length +
    source.sections.length +
    source.articles.length +
    source.translations.length
  );
}

export async function runImport(job: ImportJob, scope: KbScope): Promise<void> {
  const { em, knowledgeBase, clock } = scope.cradle;
  const inWs = <T>(fn: (sql: Sql) => Promise<T>) =>
    withWorkspace(em.fork(), job.importWorkspace, (tx) => fn(sqlFor(tx)));
  const loaded = await inWs(async (sql) => {
    const rows = await sql(`select * from knowledge_base_import where id = ?`, [job.importId]);
    if (!rows[0] || rows[0].status === 'succeeded') return null;
    const centers = await sql(`select * from knowledge_base_center where id = ?`, [
      rows[0].center_id,
    ]);
    if (!centers[0]) return null;
    await sql(`update knowledge_base_import set status = 'running', updated_at = ? where id = ?`, [
      clock.now(),
      job.importId,
    ]);
    return { row: rows[0], center: centerView(centers[0]) };
  });
  if (!loaded) return;
  const { center } = loaded;
  const source = json<Source>(loaded.row.source);
  const localeOf = (value: unknown): string | null => {
    const raw = str(value, center.defaultLocale).toLowerCase();
    if (center.locales.includes(raw)) return raw;
    const language = raw.split('-')[0]!;
    return center.locales.find((l) => l === language || l.split('-')[0] === language) ?? null;
  };
  let done = 0;
  const progress = (sql: Sql) =>
    sql(`update knowledge_base_import set done = ?, updated_at = ? where id = ?`, [
      done,
      clock.now(),
      job.importId,
    ]);
  const ctx = (sql: Sql) => ({ sql, now: clock.now() });

  try {
    // Categories and sections (parents before children: sections sorted by nesting).
    const categoryId = (kind: 'category' | 'section', id: unknown) =>
      derivedId(job.importId, kind, id);
    const sectionsById = new Map(source.sections.map((s) => [String(s.id), s]));
    const depth = (s: Item): number => {
      let d = 0;
      for (let cur = s; cur.parent_section_id && d < 20; d++) {
        const next = sectionsById.get(String(cur.parent_section_id));
        if (!next) break;
        cur = next;
      }
      return d;
    };
    const groups: { kind: 'category' | 'section'; item: Item }[] = [
      ...source.categories.map((item) => ({ kind: 'category' as const, item })),
      ...[...source.sections]
        .sort((a, b) => depth(a) - depth(b))
        .map((item) => ({ kind: 'section' as const, item })),
    ];
    for (let i = 0; i < groups.length; i += BATCH) {
      await inWs(async (sql) => {
        const { now } = ctx(sql);
        for (const { kind, item } of groups.slice(i, i + BATCH)) {
          const id = categoryId(kind, item.id);
          const parent =
            kind === 'category'
              ? null
              : item.parent_section_id
                ? categoryId('section', item.parent_section_id)
                : item.category_id
                  ? categoryId('category', item.category_id)
                  : null;
          const locale = localeOf(item.locale) ?? center.defaultLocale;
          const name = str(item.name, 'Untitled').slice(0, 150);
          await sql(
            `insert into knowledge_base_category (id, workspace_id, center_id, parent_id, position, slug,
               translations, created_at, updated_at)
             values (?, ?, ?, (select id from knowledge_base_category where id = ?), ?, ?, ?::jsonb, ?, ?)
             on conflict do nothing`,
            [
              id,
              job.importWorkspace,
              center.id,
              parent,
              num(item.position),
              `${slugify(name).slice(0, 60)}-${String(item.id).slice(-8)}`.replace(
                /[^a-z0-9-]/g,
                '',
              ),
              JSON.stringify({
                [locale]: { name, description: str(item.description).slice(0, 1000) },
              }),
              now,
              now,
            ],
          );
          done++;
        }
        await progress(sql);
      });
    }

    // Articles with their translations.
    const translationsOf = new Map<string, Item[]>();
    for (const t of source.translations) {
      if (str(t.source_type, 'Article') !== 'Article') {
        done++;
        continue;
      }
      const list = translationsOf.get(String(t.source_id)) ?? [];
      list.push(t);
      translationsOf.set(String(t.source_id), list);
    }
    for (let i = 0; i < source.articles.length; i += BATCH) {
      await inWs(async (sql) => {
        const { now } = ctx(sql);
        for (const item of source.articles.slice(i, i + BATCH)) {
          const id = derivedId(job.importId, 'article', item.id);
          const exists = await sql(`select 1 from knowledge_base_article where id = ?`, [id]);
          const extra = translationsOf.get(String(item.id)) ?? [];
          if (!exists[0]) {
            const section = item.section_id ? categoryId('section', item.section_id) : null;
            await sql(
              `insert into knowledge_base_article (id, workspace_id, center_id, category_id, status,
                 visibility, tags, position, published_at, created_at, updated_at)
               values (?, ?, ?, (select id from knowledge_base_category where id = ?), ?, 'public', ?::text[], ?, ?, ?, ?)`,
              [
                id,
                job.importWorkspace,
                center.id,
                section,
                item.draft === true ? 'draft' : 'published',
                (Array.isArray(item.label_names) ? item.label_names : [])
                  .map((l) =>
                    String(l)
                      .trim()
                      .toLowerCase()
                      .replace(/[\s,]+/g, '-'),
                  )
                  .filter(Boolean)
                  .slice(0, 30),
                num(item.position),
                item.draft === true ? null : now,
                now,
                now,
              ],
            );
            const versions = [
              { locale: item.locale ?? item.source_locale, title: item.title, body: item.body },
              ...extra.map((t) => ({ locale: t.locale, title: t.title, body: t.body })),
            ];
            const seen = new Set<string>();
            for (const version of versions) {
              const locale = localeOf(version.locale);
              if (!locale || seen.has(locale)) continue;
              seen.add(locale);
              await saveTranslation(
                sql,
                {
                  workspaceId: job.importWorkspace,
                  userId: null,
                  unaccent: knowledgeBase.unaccent,
                  now,
                },
                { id, centerId: center.id },
                locale,
                {
                  title: str(version.title, 'Untitled').slice(0, 200),
                  body: str(version.body),
                  bodyFormat: 'html',
                },
              );
            }
          }
          done += 1 + extra.length;
        }
        await progress(sql);
      });
    }
    await inWs(async (sql) => {
      await bumpCenterVersion(sql, job.importWorkspace, center.id);
      await sql(
        `update knowledge_base_import set status = 'succeeded', done = total, updated_at = ? where id = ?`,
        [clock.now(), job.importId],
      );
    });
    knowledgeBase.invalidate(center.id);
  } catch (error) {
    await inWs((sql) =>
      sql(
        `update knowledge_base_import set status = 'failed', error = ?, updated_at = ? where id = ?`,
        [(error as Error).message.slice(0, 500), clock.now(), job.importId],
      ),
    );
    throw error;
  }
}
