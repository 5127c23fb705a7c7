/**
 * Saved views: a name, filters, columns and a sort; shared with the workspace
 * (`owner_user_id` null; changing one needs `settings:manage`) or personal (visible to and
 * changed by its owner only — to anyone else it does not exist). A workspace gets the default
 * views the first time anyone looks at its views.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { validationFailed } from '../http/problem.js';
import { hasPermission } from '../http/router.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { iso } from '../members/context.js';
import { json, textList } from '../tickets/views.js';
import type { ViewFilters, ViewSort } from './schemas.js';

export const MAX_VIEWS = 100;
const NOBODY = '00000000-0000-0000-0000-000000000000';
const UNSOLVED = ['new', 'open', 'pending', 'on_hold'] as const;
const DEFAULT_COLUMNS = [
  'number',
  'subject',
  'requester',
  'status',
  'priority',
  'assignee',
  'updatedAt',
];

/** The views every workspace starts with (shared). */
export const DEFAULT_VIEWS: { name: string; filters: ViewFilters; sort: ViewSort }[] = [
  {
    name: 'My open tickets',
    filters: { assignee: 'me', status: [...UNSOLVED] },
    sort: { by: 'updatedAt', dir: 'desc' },
  },
  {
    name: 'Unassigned',
    filters: { assignee: 'unassigned', status: [...UNSOLVED] },
    sort: { by: 'createdAt', dir: 'asc' },
  },
  { name: 'All open', filters: { status: [...UNSOLVED] }, sort: { by: 'updatedAt', dir: 'desc' } },
  {
    name: 'Recently solved',
    filters: { status: ['solved'] },
    sort: { by: 'updatedAt', dir: 'desc' },
  },
];

export interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  ownerUserId: string | null;
  filters: ViewFilters;
  columns: string[];
  sort: ViewSort;
  position: number;
  createdAt: string;
  updatedAt: string;
}

const viewOf = (row: Row): SavedView => ({
  id: row.id,
  name: row.name,
  shared: row.owner_user_id === null,
  ownerUserId: row.owner_user_id,
  filters: json<ViewFilters>(row.filters) ?? {},
  columns: textList(row.columns),
  sort: { by: row.sort_by, dir: row.sort_dir },
  position: Number(row.position),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const userIdOf = (actor: Actor | null) => (actor?.kind === 'user' ? actor.id : NOBODY);

/** Inserts the default views once per workspace (the seed row's insert decides who does). */
export async function ensureDefaultViews(sql: Sql, workspaceId: string, now: Date): Promise<void> {
  const seeded = await sql(
    `insert into saved_view_seed (workspace_id, seeded_at) values (?, ?)
     on conflict (workspace_id) do nothing returning workspace_id`,
    [workspaceId, now],
  );
  if (seeded.length === 0) return;
  for (const [position, view] of DEFAULT_VIEWS.entries()) {
    await insertView(sql, workspaceId, null, { ...view, columns: DEFAULT_COLUMNS, position }, now);
  }
}

async function insertView(
  sql: Sql,
  workspaceId: string,
  ownerUserId: string | null,
  input: {
    name: string;
    filters: ViewFilters;
    columns: string[];
    sort: ViewSort;
    position: number;
  },
  now: Date,
): Promise<SavedView> {
  const rows = await sql(
    `insert into saved_view (id, workspace_id, name, owner_user_id, filters, columns, sort_by,
                             sort_dir, position, created_at, updated_at)
     values (?, ?, ?, ?, ?::jsonb, ?::text[], ?, ?, ?, ?, ?) returning *`,
    [
      uuidv7(),
      workspaceId,
      input.name,
      ownerUserId,
      JSON.stringify(input.filters),
      textArray(input.columns),
      input.sort.by,
      input.sort.dir,
      input.position,
      now,
      now,
    ],
  );
  return viewOf(rows[0]!);
}

/** Shared views, then the actor's own, by position. */
export async function listViews(
  sql: Sql,
  workspaceId: string,
  actor: Actor | null,
  now: Date,
): Promise<SavedView[]> {
  await ensureDefaultViews(sql, workspaceId, now);
  const rows = await sql(
    `select * from saved_view where workspace_id = ? and (owner_user_id is null or owner_user_id = ?)
      order by owner_user_id nulls first, position, id`,
    [workspaceId, userIdOf(actor)],
  );
  return rows.map(viewOf);
}

/** A view the actor can see; 404 otherwise (or 400 at `badRequestPath` when given). */
export async function getView(
  sql: Sql,
  workspaceId: string,
  id: string,
  actor: Actor | null,
  badRequestPath?: string,
): Promise<SavedView> {
  const rows = await sql(
    `select * from saved_view where workspace_id = ? and id = ?
        and (owner_user_id is null or owner_user_id = ?)`,
    [workspaceId, id, userIdOf(actor)],
  );
  if (!rows[0]) {
    if (badRequestPath) {
      throw validationFailed([{ path: badRequestPath, message: 'no such view in this workspace' }]);
    }
    throw errors.notFound('View');
  }
  return viewOf(rows[0]);
}

function assertMayChange(view: { shared: boolean }, actor: Actor | null): void {
  if (view.shared && !(actor && hasPermission(actor, PERMISSIONS.settingsManage))) {
    throw errors.forbidden('shared_view_forbidden', 'Changing shared views needs settings:manage');
  }
}

export async function createView(
  sql: Sql,
  workspaceId: string,
  actor: Actor | null,
  input: {
    name: string;
    shared?: boolean | undefined;
    filters?: ViewFilters | undefined;
    columns?: string[] | undefined;
    sort?: ViewSort | undefined;
    position?: number | undefined;
  },
  now: Date,
): Promise<SavedView> {
  const shared = input.shared ?? false;
  assertMayChange({ shared }, actor);
  if (!shared && actor?.kind !== 'user') {
    throw errors.forbidden('users_only', 'Only a signed-in user has personal views');
  }
  await ensureDefaultViews(sql, workspaceId, now);
  const owner = shared ? null : actor!.id;
  const [count] = await sql(
    `select count(*)::int as n from saved_view where workspace_id = ? and owner_user_id is not distinct from ?`,
    [workspaceId, owner],
  );
  if (Number(count?.n) >= MAX_VIEWS) {
    throw errors.conflict('too_many_views', `At most ${MAX_VIEWS} views each`);
  }
  return insertView(
    sql,
    workspaceId,
    owner,
    {
      name: input.name,
      filters: input.filters ?? {},
      columns: input.columns ?? DEFAULT_COLUMNS,
      sort: input.sort ?? { by: 'updatedAt', dir: 'desc' },
      position: input.position ?? 0,
    },
    now,
  );
}

export async function updateView(
  sql: Sql,
  workspaceId: string,
  id: string,
  actor: Actor | null,
  input: {
    name?: string | undefined;
    filters?: ViewFilters | undefined;
    columns?: string[] | undefined;
    sort?: ViewSort | undefined;
    position?: number | undefined;
  },
  now: Date,
): Promise<SavedView> {
  const view = await getView(sql, workspaceId, id, actor);
  assertMayChange(view, actor);
  const sort = input.sort ?? view.sort;
  await sql(
    `update saved_view set name = ?, filters = ?::jsonb, columns = ?::text[], sort_by = ?,
            sort_dir = ?, position = ?, updated_at = ? where workspace_id = ? and id = ?`,
    [
      input.name ?? view.name,
      JSON.stringify(input.filters ?? view.filters),
      textArray(input.columns ?? view.columns),
      sort.by,
      sort.dir,
      input.position ?? view.position,
      now,
      workspaceId,
      id,
    ],
  );
  return getView(sql, workspaceId, id, actor);
}

export async function deleteView(
  sql: Sql,
  workspaceId: string,
  id: string,
  actor: Actor | null,
): Promise<void> {
  const view = await getView(sql, workspaceId, id, actor);
  assertMayChange(view, actor);
  await sql(`delete from saved_view where workspace_id = ? and id = ?`, [workspaceId, id]);
}
