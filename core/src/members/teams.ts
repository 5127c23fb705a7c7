/**
 * Teams: named groups of members that tickets can be routed to. A team seat needs a membership
 * of the same workspace (a composite foreign key in the identity migration), and goes when the
 * membership or the team does.
 */
import { v7 as uuidv7 } from 'uuid';
import { NovumError, errors } from '../kernel/errors.js';
import type { Row, Sql } from '../identity/db.js';
import { assertNameFree, iso, isUniqueViolation, nameTaken } from './context.js';

export interface TeamView {
  id: string;
  name: string;
  description: string | null;
  memberIds: string[];
  createdAt: string;
}

const TEAM_SELECT = `
  select t.id, t.name, t.description, t.created_at,
         coalesce((select json_agg(tm.user_id order by tm.created_at, tm.user_id)
                     from team_member tm
                    where tm.team_id = t.id and tm.workspace_id = t.workspace_id), '[]'::json) as member_ids
    from team t
   where t.workspace_id = ?`;

function teamView(row: Row): TeamView {
  const ids = typeof row.member_ids === 'string' ? JSON.parse(row.member_ids) : row.member_ids;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    memberIds: ids as string[],
    createdAt: iso(row.created_at),
  };
}

export async function listTeams(sql: Sql, workspaceId: string): Promise<TeamView[]> {
  const rows = await sql(`${TEAM_SELECT} order by lower(t.name), t.id`, [workspaceId]);
  return rows.map(teamView);
}

export async function getTeam(sql: Sql, workspaceId: string, id: string): Promise<TeamView> {
  const rows = await sql(`${TEAM_SELECT} and t.id = ?`, [workspaceId, id]);
  if (!rows[0]) throw errors.notFound('Team');
  return teamView(rows[0]);
}

async function lockTeam(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(`select id from team where workspace_id = ? and id = ? for update`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Team');
}

async function withUniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken('team', name);
    throw error;
  }
}

export async function createTeam(
  sql: Sql,
  workspaceId: string,
  input: { name: string; description?: string | null | undefined },
  now: Date,
): Promise<TeamView> {
  await assertNameFree(sql, 'team', workspaceId, input.name);
  const id = uuidv7();
  await withUniqueName(input.name, () =>
    sql(
      `insert into team (id, workspace_id, name, description, created_at) values (?, ?, ?, ?, ?)`,
      [id, workspaceId, input.name, input.description ?? null, now],
    ),
  );
  return getTeam(sql, workspaceId, id);
}

export async function updateTeam(
  sql: Sql,
  workspaceId: string,
  id: string,
  input: { name?: string | undefined; description?: string | null | undefined },
): Promise<TeamView> {
  await lockTeam(sql, workspaceId, id);
  if (input.name !== undefined) await assertNameFree(sql, 'team', workspaceId, input.name, id);
  await withUniqueName(input.name ?? '', () =>
    sql(
      `update team set name = coalesce(?, name), description = case when ? then ? else description end
        where id = ? and workspace_id = ?`,
      [
        input.name ?? null,
        input.description !== undefined,
        input.description ?? null,
        id,
        workspaceId,
      ],
    ),
  );
  return getTeam(sql, workspaceId, id);
}

export async function deleteTeam(sql: Sql, workspaceId: string, id: string): Promise<void> {
  await lockTeam(sql, workspaceId, id);
  await sql(`delete from team where id = ? and workspace_id = ?`, [id, workspaceId]);
}

/**
 * Replaces the team's members. Every id must be a member of this workspace: 422 `not_a_member`
 * naming the others, without saying whether they exist elsewhere.
 */
export async function setTeamMembers(
  sql: Sql,
  workspaceId: string,
  id: string,
  userIds: readonly string[],
  now: Date,
): Promise<{ team: TeamView; added: number; removed: number }> {
  await lockTeam(sql, workspaceId, id);
  const wanted = [...new Set(userIds)];
  const members = wanted.length
    ? await sql(
        `select user_id from membership where workspace_id = ? and user_id in (${wanted.map(() => '?').join(', ')})`,
        [workspaceId, ...wanted],
      )
    : [];
  const known = new Set(members.map((row) => row.user_id as string));
  const strangers = wanted.filter((userId) => !known.has(userId));
  if (strangers.length > 0) {
    throw new NovumError('not_a_member', 'Only members of this workspace can join its teams', {
      status: 422,
      details: { userIds: strangers },
    });
  }
  const current = (
    await sql(`select user_id from team_member where workspace_id = ? and team_id = ?`, [
      workspaceId,
      id,
    ])
  ).map((row) => row.user_id as string);
  const toRemove = current.filter((userId) => !known.has(userId));
  const toAdd = wanted.filter((userId) => !current.includes(userId));
  for (const userId of toRemove) {
    await sql(`delete from team_member where workspace_id = ? and team_id = ? and user_id = ?`, [
      workspaceId,
      id,
      userId,
    ]);
  }
  for (const userId of toAdd) {
    await sql(
      `insert into team_member (team_id, user_id, workspace_id, created_at) values (?, ?, ?, ?)`,
      [id, userId, workspaceId, now],
    );
  }
  return {
    team: await getTeam(sql, workspaceId, id),
    added: toAdd.length,
    removed: toRemove.length,
  };
}
