/** Shapes and calls of the identity routes the sign-in pages use (see /api/v1/openapi.json). */
import type { NovumApi } from '@novumdesk/admin-sdk';

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
}

export interface Me {
  kind: 'user' | 'apiKey';
  user: {
    id: string;
    email: string;
    displayName: string;
    avatarFile: string | null;
    timeZone: string;
    language: string;
    emailVerified: boolean;
    createdAt: string;
  } | null;
  workspace: WorkspaceSummary;
  role: { id: string; key: string | null; name: string } | null;
  permissions: string[];
  workspaces: WorkspaceSummary[];
}

export interface BrowserSession {
  csrfToken: string;
  expiresIn: number;
  workspaceId: string;
  workspaces?: WorkspaceSummary[];
}

export interface SignupInput {
  workspaceName: string;
  email: string;
  password: string;
  displayName: string;
}

/** The terms version the sign-up form shows (docs/security.md, "Sign-up"). */
export const TERMS_VERSION = '2026-01';

export const identityApi = (api: NovumApi) => ({
  me: () => api.get<Me>('/api/v1/me'),
  signIn: (body: { email: string; password: string; workspace?: string }) =>
    api.post<BrowserSession>('/api/v1/auth/session', body),
  signOut: () => api.delete<void>('/api/v1/auth/session'),
  signUp: (input: SignupInput) =>
    api.post<{ status: string; message: string }>('/api/v1/auth/signup', {
      ...input,
      acceptTerms: true,
      termsVersion: TERMS_VERSION,
      ageAttestation: { atLeast13: true },
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: navigator.language,
    }),
  requestReset: (email: string) => api.post<unknown>('/api/v1/auth/password-reset', { email }),
  confirmReset: (token: string, newPassword: string) =>
    api.post<unknown>('/api/v1/auth/password-reset/confirm', { token, newPassword }),
  verifyEmail: (token: string) => api.post<unknown>('/api/v1/auth/verify-email', { token }),
  acceptInvitation: (body: { token: string; password?: string; displayName?: string }) =>
    api.post<{ workspaceId?: string }>('/api/v1/invitations/accept', body),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<{ revokedSessions: number }>('/api/v1/auth/password', {
      currentPassword,
      newPassword,
    }),
});
