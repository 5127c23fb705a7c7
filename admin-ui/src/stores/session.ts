/**
 * The `session` store: who is signed in (from `GET /api/v1/me`), in which workspace, with which
 * permissions. `status` drives the router guard: `unknown` until the first `/me` answered.
 */
import { toApiError, type ApiError, type PanelHostContext } from '@novumdesk/admin-sdk';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { hostApi } from '../api/client';
import { identityApi, type Me, type SignupInput } from '../api/identity';

export type SessionStatus = 'unknown' | 'signedIn' | 'signedOut';

export const useSessionStore = defineStore('session', () => {
  const api = identityApi(hostApi);
  const me = shallowRef<Me>();
  const status = ref<SessionStatus>('unknown');
  const error = shallowRef<ApiError>();
  let pending: Promise<void> | undefined;

  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  const can = (permission: string): boolean => permissions.value.has(permission);
  const user = computed(() => me.value?.user ?? null);
  const workspace = computed(() => me.value?.workspace);
  const workspaces = computed(() => me.value?.workspaces ?? []);

  async function fetchMe(): Promise<void> {
    try {
      me.value = await api.me();
      status.value = 'signedIn';
      error.value = undefined;
    } catch (err) {
      const problem = toApiError(err);
      me.value = undefined;
      status.value = 'signedOut';
      // 401/403: simply not signed in. Anything else is worth showing on the sign-in page.
      error.value = problem.status === 401 || problem.status === 403 ? undefined : problem;
    }
  }

  /** Loads `/me` once; concurrent callers share the request. */
  function ensureLoaded(force = false): Promise<void> {
    if (pending) return pending;
    if (status.value !== 'unknown' && !force) return Promise.resolve();
    pending = fetchMe().finally(() => (pending = undefined));
    return pending;
  }

  async function signIn(email: string, password: string, workspaceSlug?: string) {
    await api.signIn({ email, password, ...(workspaceSlug ? { workspace: workspaceSlug } : {}) });
    await fetchMe();
  }

  async function signOut(): Promise<void> {
    try {
      await api.signOut();
    } finally {
      me.value = undefined;
      status.value = 'signedOut';
    }
  }

  /** The server ended the session (refresh failed): forget the user, keep the page. */
  function expired(): void {
    me.value = undefined;
    status.value = 'signedOut';
  }

  const signUp = (input: SignupInput) => api.signUp(input);

  /** What every plugin panel gets besides its slot's data. */
  function hostContext(navigate: (path: string) => void): PanelHostContext | undefined {
    const m = me.value;
    if (!m?.user) return undefined;
    return {
      api: hostApi,
      user: {
        id: m.user.id,
        email: m.user.email,
        displayName: m.user.displayName,
        timeZone: m.user.timeZone,
        language: m.user.language,
      },
      workspace: m.workspace,
      permissions: m.permissions,
      can,
      navigate,
    };
  }

  return {
    me,
    status,
    error,
    user,
    workspace,
    workspaces,
    permissions,
    can,
    ensureLoaded,
    reload: () => ensureLoaded(true),
    signIn,
    signOut,
    signUp,
    expired,
    hostContext,
  };
});
