/**
 * Categories: nested (a parent in the same center), ordered by `position` among siblings, with
 * a name and description per locale (`translations` jsonb: `{ "en": { name, description } }`).
 */
import { uuidv7 } from './ids.js';
import { errors } from '@novumdesk/core';
import { iso, json, type Row, type Sql } from './db.js';

export interface CategoryText {
  name: string;
  description?: string | undefined;
}

export interface CategoryView {
  id: string;
  centerId: string;
  parentId: string | null;
  position: number;
  slug: string;
  translations: Record<string, CategoryText>;
  createdAt: string;
  updatedAt: string;
}

export function categoryView(row: Row): CategoryView {
  return {
    id: row.id,
    centerId: row.center_id,
    parentId: row.parent_id ?? null,
    position: Number(row.position),
    slug: row.slug,
    translations: json<Record<string, CategoryText>>(row.translations) ?? {},
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function listCategories(
  sql: Sql,
  workspaceId: string,
  centerId: string,
): Promise<CategoryView[]> {
  const rows = await sql(
    `select * from knowledge_base_category where workspace_id = ? and center_id = ?
      order by parent_id nulls first, position, id`,
    [workspaceId, centerId],
  );
  return rows.map(categoryView);
}

export async function getCategory(
  sql: Sql,
  workspaceId: string,
  id: string,
): Promise<CategoryView> {
  const rows = await sql(
    `select * from knowledge_base_category where workspace_id = ? and id = ?`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Category', { id });
  return categoryView(rows[0]);
}

async function assertParent(
  sql: Sql,
  workspaceId: string,
  centerId: string,
  parentId: string | null,
  selfId?: string,
): Promise<void> {
  if (!parentId) return;
  const parent = await getCategory(sql, workspaceId, parentId).catch(() => null);
  if (!parent || parent.centerId !== centerId) {
    throw errors.badRequest('category_parent_invalid', 'The parent is no category of this center', {
      parentId,
    });
  }
  if (!selfId) return;
  // No cycles: walk up from the new parent; meeting ourselves means a loop.
  const rows = await sql(
    `with recursive up(id, parent_id) as (
       select id, parent_id from knowledge_base_category where workspace_id = ? and id = ?
       union all
       select c.id, c.parent_id from knowledge_base_category c join up on c.id = up.parent_id
        where c.workspace_id = ?)
     select 1 from up where id = ? limit 1`,
    [workspaceId, parentId, workspaceId, selfId],
  );
  if (rows[0]) {
    throw errors.badRequest('category_cycle', 'A category cannot be inside itself', { parentId });
  }
}

async function assertSlugFree(
  sql: Sql,
  centerId: string,
  slug: string,
  selfId?: string,
): Promise<void> {
  const rows = await sql(
    `select id from knowledge_base_category where center_id = ? and slug = ? and id <> ?`,
    [centerId, slug, selfId ?? '00000000-0000-0000-0000-000000000000'],
  );
  if (rows[0])
    throw errors.conflict('category_slug_taken', `The slug "${slug}" is taken`, { slug });
}

export async function createCategory(
  sql: Sql,
  workspaceId: string,
  input: {
    centerId: string;
    parentId?: string | null | undefined;
    position?: number | undefined;
    slug: string;
    translations: Record<string, CategoryText>;
  },
  now: Date,
): Promise<CategoryView> {
  const parentId = input.parentId ?? null;
  await assertParent(sql, workspaceId, input.centerId, parentId);
  await assertSlugFree(sql, input.centerId, input.slug);
  const position =
    input.position ??
    Number(
      (
        await sql(
          `select coalesce(max(position) + 1, 0) as next from knowledge_base_category
            where workspace_id = ? and center_id = ? and parent_id is not distinct from ?`,
          [workspaceId, input.centerId, parentId],
        )
      )[0]!.next,
    );
  const rows = await sql(
    `insert into knowledge_base_category (id, workspace_id, center_id, parent_id, position, slug,
       translations, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning *`,
    [
      uuidv7(),
      workspaceId,
      input.centerId,
      parentId,
      position,
      input.slug,
      JSON.stringify(input.translations),
      now,
      now,
    ],
  );
  return categoryView(rows[0]!);
}

export async function updateCategory(
  sql: Sql,
  workspaceId: string,
  id: string,
  changes: {
    parentId?: string | null | undefined;
    position?: number | undefined;
    slug?: string | undefined;
    translations?: Record<string, CategoryText> | undefined;
  },
  now: Date,
): Promise<CategoryView> {
  const current = await getCategory(sql, workspaceId, id);
  const parentId = changes.parentId !== undefined ? changes.parentId : current.parentId;
  if (changes.parentId !== undefined) {
    await assertParent(sql, workspaceId, current.centerId, parentId, id);
  }
  if (changes.slug && changes.slug !== current.slug) {
    await assertSlugFree(sql, current.centerId, changes.slug, id);
  }
  const rows = await sql(
    `update knowledge_base_category set parent_id = ?, position = ?, slug = ?,
       translations = ?::jsonb, updated_at = ?
     where workspace_id = ? and id = ? returning *`,
    [
      parentId,
      changes.position ?? current.position,
      changes.slug ?? current.slug,
      JSON.stringify(changes.translations ?? current.translations),
      now,
      workspaceId,
      id,
    ],
  );
  return categoryView(rows[0]!);
}

/** Drag-and-drop: new parents and positions for many categories of one center at once. */
export async function reorderCategories(
  sql: Sql,
  workspaceId: string,
  centerId: string,
  items: { id: string; parentId: string | null; position: number }[],
  now: Date,
): Promise<CategoryView[]> {
  for (const item of items) {
    const current = await getCategory(sql, workspaceId, item.id);
    if (current.centerId !== centerId) throw errors.notFound('Category', { id: item.id });
  }
  for (const item of items) {
    await assertParent(sql, workspaceId, centerId, item.parentId, item.id);
    await sql(
      `update knowledge_base_category set parent_id = ?, position = ?, updated_at = ?
        where workspace_id = ? and id = ?`,
      [item.parentId, item.position, now, workspaceId, item.id],
    );
  }
  return listCategories(sql, workspaceId, centerId);
}

export async function deleteCategory(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(
    `delete from knowledge_base_category where workspace_id = ? and id = ? returning id`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Category', { id });
}
