/**
 * Export of a center as Markdown files with YAML front matter, one per article translation:
 * `<center>/<locale>/<category path>/<slug>.md`, plus `categories.json`. Markdown bodies are
 * exported as written; rich-text bodies as their sanitized HTML (valid Markdown content).
 */
import type { CategoryView } from './categories.js';
import type { CenterView } from './centers.js';
import { iso, textArray, type Sql } from './db.js';
import { tarArchive } from './tar.js';

const yamlString = (value: string) => JSON.stringify(value);

export async function exportCenter(
  sql: Sql,
  center: CenterView,
  categories: CategoryView[],
): Promise<Buffer> {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const pathOf = (id: string | null): string => {
    const parts: string[] = [];
    for (let cur = id ? byId.get(id) : undefined, depth = 0; cur && depth < 20; depth++) {
      parts.unshift(cur.slug);
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
    return parts.join('/');
  };
  const rows = await sql(
    `select a.id, a.category_id, a.status, a.visibility, a.tags, a.published_at, t.locale, t.title,
            t.slug, t.body_format, t.body_source, t.body_html, t.excerpt, t.updated_at
       from knowledge_base_translation t join knowledge_base_article a on a.id = t.article_id
      where a.center_id = ? order by t.locale, a.position, t.slug`,
    [center.id],
  );
  const now = new Date();
  const files = rows.map((r) => {
    const category = pathOf(r.category_id ?? null);
    const front = [
      '---',
      `id: ${r.id}`,
      `title: ${yamlString(r.title)}`,
      `slug: ${r.slug}`,
      `locale: ${r.locale}`,
      `status: ${r.status}`,
      `visibility: ${r.visibility}`,
      ...(category ? [`category: ${yamlString(category)}`] : []),
      `tags: [${textArray(r.tags).map(yamlString).join(', ')}]`,
      `excerpt: ${yamlString(r.excerpt)}`,
      ...(r.published_at ? [`published_at: ${iso(r.published_at)}`] : []),
      `updated_at: ${iso(r.updated_at)}`,
      `format: ${r.body_format}`,
      '---',
      '',
    ].join('\n');
    const body = r.body_format === 'markdown' ? r.body_source : r.body_html;
    const dir = [center.slug, r.locale, category].filter(Boolean).join('/');
    return {
      name: `${dir}/${r.slug}.md`,
      content: `${front}${body}\n`,
      mtime: new Date(iso(r.updated_at)),
    };
  });
  files.push({
    name: `${center.slug}/categories.json`,
    content: `${JSON.stringify(categories, null, 2)}\n`,
    mtime: now,
  });
  return tarArchive(files);
}
