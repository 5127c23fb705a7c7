/**
 * Help centers: a workspace's public sites (one per product, say), each with a slug (its URL
 * segment, unique across the instance), name, logo and colour, locales and custom host names.
 * The public routing rows (`knowledge_base_address`) change in the same transaction as the center.
 */
import { uuidv7 } from './ids.js';
import { errors } from '@novumdesk/core';
import { iso, textArray, type Row, type Sql } from './db.js';

export interface CenterView {
  id: string;
  slug: string;
  name: string;
  logoAssetId: string | null;
  primaryColor: string;
  defaultLocale: string;
  locales: string[];
  hosts: string[];
  isDefault: boolean;
  contactEnabled: boolean;
  contactInboxId: string | null;
  cacheVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface CenterInput {
  slug: string;
  name: string;
  logoAssetId?: string | null | undefined;
  primaryColor?: string | undefined;
  defaultLocale: string;
  locales: string[];
  hosts?: string[] | undefined;
  isDefault?: boolean | undefined;
  contactEnabled?: boolean | undefined;
}

export function centerView(row: Row): CenterView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    logoAssetId: row.logo_asset_id ?? null,
    primaryColor: row.primary_color,
    defaultLocale: row.default_locale,
    locales: textArray(row.locales),
    hosts: textArray(row.hosts),
    isDefault: row.is_default,
    contactEnabled: row.contact_enabled,
    contactInboxId: row.contact_inbox_id ?? null,
    cacheVersion: Number(row.cache_version),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The default locale is always one of the supported ones, first. */
function localesOf(defaultLocale: string, locales: readonly string[]): string[] {
  return [defaultLocale, ...locales.filter((l) => l !== defaultLocale)];
}

export async function getCenter(sql: Sql, workspaceId: string, id: string): Promise<CenterView> {
  const rows = await sql(`select * from knowledge_base_center where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Help center', { id });
  return centerView(rows[0]);
}

export async function listCenters(sql: Sql, workspaceId: string): Promise<CenterView[]> {
  const rows = await sql(
    `select * from knowledge_base_center where workspace_id = ? order by created_at, id`,
    [workspaceId],
  );
  return rows.map(centerView);
}

/** Claims `(kind, value)` for the center; 409 when another center holds it. */
async function claimAddress(
  sql: Sql,
  kind: 'slug' | 'host' | 'default',
  value: string,
  workspaceId: string,
  centerId: string,
): Promise<void> {
  const rows = await sql(
    `insert into knowledge_base_address (kind, value, workspace_id, center_id) values (?, ?, ?, ?)
     on conflict (kind, value) do update set center_id = excluded.center_id
       where knowledge_base_address.workspace_id = excluded.workspace_id
     returning center_id`,
    [kind, value, workspaceId, centerId],
  );
  if (!rows[0]) {
    const code = kind === 'slug' ? 'center_slug_taken' : 'center_host_taken';
    throw errors.conflict(
      code,
      `The ${kind === 'slug' ? 'slug' : 'host name'} "${value}" is taken`,
      {
        [kind]: value,
      },
    );
  }
}

async function writeAddresses(sql: Sql, center: CenterView, workspaceId: string): Promise<void> {
  await sql(`delete from knowledge_base_address where center_id = ? and kind in ('slug', 'host')`, [
    center.id,
  ]);
  await claimAddress(sql, 'slug', center.slug, workspaceId, center.id);
  for (const host of center.hosts) await claimAddress(sql, 'host', host, workspaceId, center.id);
  if (center.isDefault) {
    await sql(
      `update knowledge_base_center set is_default = false
        where workspace_id = ? and id <> ? and is_default`,
      [workspaceId, center.id],
    );
    await claimAddress(sql, 'default', workspaceId, workspaceId, center.id);
  }
}

export async function createCenter(
  sql: Sql,
  workspaceId: string,
  input: CenterInput,
  now: Date,
): Promise<CenterView> {
  const [{ count }] = (await sql(
    `select count(*)::int as count from knowledge_base_center where workspace_id = ?`,
    [workspaceId],
  )) as [{ count: number }];
  const rows = await sql(
    `insert into knowledge_base_center (id, workspace_id, slug, name, logo_asset_id, primary_color,
       default_locale, locales, hosts, is_default, contact_enabled, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?::text[], ?::text[], ?, ?, ?, ?)
     on conflict (slug) do nothing returning *`,
    [
      uuidv7(),
      workspaceId,
      input.slug,
      input.name,
      input.logoAssetId ?? null,
      input.primaryColor ?? '#1f6feb',
      input.defaultLocale,
      localesOf(input.defaultLocale, input.locales),
      [...new Set(input.hosts ?? [])],
      // The first center of a workspace is its default one.
      input.isDefault ?? count === 0,
      input.contactEnabled ?? true,
      now,
      now,
    ],
  );
  if (!rows[0]) {
    throw errors.conflict('center_slug_taken', `The slug "${input.slug}" is taken`, {
      slug: input.slug,
    });
  }
  const center = centerView(rows[0]);
  await writeAddresses(sql, center, workspaceId);
  return center;
}

export async function updateCenter(
  sql: Sql,
  workspaceId: string,
  id: string,
  changes: Partial<CenterInput>,
  now: Date,
): Promise<CenterView> {
  const current = await getCenter(sql, workspaceId, id);
  const defaultLocale = changes.defaultLocale ?? current.defaultLocale;
  const next: CenterView = {
    ...current,
    slug: changes.slug ?? current.slug,
    name: changes.name ?? current.name,
    logoAssetId: changes.logoAssetId !== undefined ? changes.logoAssetId : current.logoAssetId,
    primaryColor: changes.primaryColor ?? current.primaryColor,
    defaultLocale,
    locales: localesOf(defaultLocale, changes.locales ?? current.locales),
    hosts: changes.hosts ? [...new Set(changes.hosts)] : current.hosts,
    isDefault: changes.isDefault ?? current.isDefault,
    contactEnabled: changes.contactEnabled ?? current.contactEnabled,
  };
  if (next.slug !== current.slug) {
    const taken = await sql(
      `select 1 from knowledge_base_address where kind = 'slug' and value = ?`,
      [next.slug],
    );
    if (taken[0]) {
      throw errors.conflict('center_slug_taken', `The slug "${next.slug}" is taken`, {
        slug: next.slug,
      });
    }
  }
  const rows = await sql(
    `update knowledge_base_center set slug = ?, name = ?, logo_asset_id = ?, primary_color = ?,
       default_locale = ?, locales = ?::text[], hosts = ?::text[], is_default = ?,
       contact_enabled = ?, cache_version = cache_version + 1, updated_at = ?
     where workspace_id = ? and id = ? returning *`,
    [
      next.slug,
      next.name,
      next.logoAssetId,
      next.primaryColor,
      next.defaultLocale,
      next.locales,
      next.hosts,
      next.isDefault,
      next.contactEnabled,
      now,
      workspaceId,
      id,
    ],
  );
  const updated = centerView(rows[0]!);
  await writeAddresses(sql, updated, workspaceId);
  return updated;
}

export async function deleteCenter(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(
    `delete from knowledge_base_center where workspace_id = ? and id = ? returning id`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Help center', { id });
}

/** Purges the center's cached pages everywhere: the version is part of every page's ETag. */
export async function bumpCenterVersion(sql: Sql, workspaceId: string, id: string): Promise<void> {
  await sql(
    `update knowledge_base_center set cache_version = cache_version + 1
      where workspace_id = ? and id = ?`,
    [workspaceId, id],
  );
}

export async function setContactInbox(
  sql: Sql,
  workspaceId: string,
  id: string,
  inboxId: string,
): Promise<void> {
  await sql(
    `update knowledge_base_center set contact_inbox_id = ? where workspace_id = ? and id = ?`,
    [inboxId, workspaceId, id],
  );
}
