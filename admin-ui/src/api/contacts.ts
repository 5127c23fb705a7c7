/** Shapes and calls of the contacts and organizations routes. */
import type { NovumApi, PanelContact } from '@novumdesk/admin-sdk';
import type { Page } from './tickets';

export type Contact = PanelContact & {
  customAttributes: Record<string, unknown>;
  mergedIntoId: string | null;
  restrictedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export interface Organization {
  id: string;
  name: string;
  domains: string[];
  createdAt: string;
}

export interface ContactImport {
  id: string;
  status: 'queued' | 'running' | 'completed';
  total: number;
  done: number;
  created: number;
  errors: { line: number; message: string }[];
  createdAt: string;
  finishedAt: string | null;
}

export interface ContactInput {
  name?: string | null;
  emails?: string[];
  phones?: string[];
  organizationId?: string | null;
}

export const CONTACTS_EXPORT_URL = '/api/v1/contacts/export.csv';

export const contactsApi = (api: NovumApi) => ({
  list: (q: string, cursor?: string, signal?: AbortSignal) =>
    api.get<Page<Contact>>('/api/v1/contacts', {
      query: { q: q || undefined, cursor, limit: 50 },
      signal,
    }),
  get: (id: string, signal?: AbortSignal) => api.get<Contact>(`/api/v1/contacts/${id}`, { signal }),
  create: (input: ContactInput) => api.post<Contact>('/api/v1/contacts', input),
  update: (id: string, input: ContactInput) => api.patch<Contact>(`/api/v1/contacts/${id}`, input),
  remove: (id: string) => api.delete<void>(`/api/v1/contacts/${id}`),
  merge: (targetId: string, sourceId: string) =>
    api.post<Contact>(`/api/v1/contacts/${targetId}/merge`, { sourceId }),
  startImport: (csv: string) => api.post<ContactImport>('/api/v1/contacts/imports', { csv }),
  importStatus: (id: string) => api.get<ContactImport>(`/api/v1/contacts/imports/${id}`),
  organizations: (q: string, cursor?: string, signal?: AbortSignal) =>
    api.get<Page<Organization>>('/api/v1/organizations', {
      query: { q: q || undefined, cursor, limit: 50 },
      signal,
    }),
  organization: (id: string) => api.get<Organization>(`/api/v1/organizations/${id}`),
  createOrganization: (input: { name: string; domains?: string[] }) =>
    api.post<Organization>('/api/v1/organizations', input),
  updateOrganization: (id: string, input: { name?: string; domains?: string[] }) =>
    api.patch<Organization>(`/api/v1/organizations/${id}`, input),
  removeOrganization: (id: string) => api.delete<void>(`/api/v1/organizations/${id}`),
});
