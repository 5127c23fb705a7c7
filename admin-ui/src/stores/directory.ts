/**
 * The `directory` store: the workspace's members and teams, for names in lists and the
 * assignee / team pickers. Loaded once per page; a user without `members:read` gets empty lists.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { hostApi } from '../api/client';

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: { id: string; key: string | null; name: string };
  teams: { id: string; name: string }[];
  joinedAt: string;
}

export interface Team {
  id: string;
  name: string;
  description: string | null;
  memberIds: string[];
}

export const useDirectoryStore = defineStore('directory', () => {
  const members = ref<Member[]>([]);
  const teams = ref<Team[]>([]);
  let pending: Promise<void> | undefined;
  let loaded = false;

  const memberById = computed(() => new Map(members.value.map((m) => [m.userId, m])));
  const teamById = computed(() => new Map(teams.value.map((tm) => [tm.id, tm])));

  async function fetchAll(): Promise<void> {
    const [m, tm] = await Promise.allSettled([
      hostApi.get<Member[]>('/api/v1/members'),
      hostApi.get<Team[]>('/api/v1/teams'),
    ]);
    if (m.status === 'fulfilled') members.value = m.value;
    if (tm.status === 'fulfilled') teams.value = tm.value;
    loaded = true;
  }

  function load(force = false): Promise<void> {
    if (pending) return pending;
    if (loaded && !force) return Promise.resolve();
    pending = fetchAll().finally(() => (pending = undefined));
    return pending;
  }

  const memberName = (id: string | null | undefined): string | undefined =>
    id ? memberById.value.get(id)?.displayName : undefined;
  const teamName = (id: string | null | undefined): string | undefined =>
    id ? teamById.value.get(id)?.name : undefined;

  return { members, teams, memberById, teamById, load, memberName, teamName };
});
