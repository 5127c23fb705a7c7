/**
 * The contacts module's tables as EntitySchemas (tenant entities: `workspaceFilter`). The
 * module's own code uses plain SQL through the request's transaction (`sqlFor(em)`), like the
 * members module; the schemas let other modules and plugins read these tables through the ORM.
 */
import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../tenancy/index.js';

export interface Contact {
  id: string;
  workspaceId: string;
  name: string | null;
  phones: string[];
  customAttributes: Record<string, unknown>;
  organizationId: string | null;
  mergedIntoId: string | null;
  /** Processing restricted (GDPR art. 18): kept, but not used for anything new. */
  restrictedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ContactSchema = new EntitySchema<Contact>({
  name: 'Contact',
  tableName: 'contact',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    name: { type: 'text', nullable: true },
    phones: { type: 'string[]', columnType: 'text[]' },
    customAttributes: { type: 'json' },
    organizationId: { type: 'uuid', nullable: true },
    mergedIntoId: { type: 'uuid', nullable: true },
    restrictedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** One address of a contact: lower-cased, unique per workspace. */
export interface ContactEmail {
  workspaceId: string;
  email: string;
  contactId: string;
  isPrimary: boolean;
  createdAt: Date;
}

export const ContactEmailSchema = new EntitySchema<ContactEmail>({
  name: 'ContactEmail',
  tableName: 'contact_email',
  filters: { workspace: workspaceFilter },
  properties: {
    workspaceId: { type: 'uuid', primary: true },
    email: { type: 'text', primary: true },
    contactId: { type: 'uuid' },
    isPrimary: { type: 'boolean' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export interface Organization {
  id: string;
  workspaceId: string;
  name: string;
  domains: string[];
  createdAt: Date;
}

export const OrganizationSchema = new EntitySchema<Organization>({
  name: 'Organization',
  tableName: 'organization',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    name: { type: 'text' },
    domains: { type: 'string[]', columnType: 'text[]' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export interface ContactImportError {
  line: number;
  message: string;
}

export interface ContactImport {
  id: string;
  workspaceId: string;
  status: 'queued' | 'running' | 'completed';
  source: string;
  total: number;
  done: number;
  created: number;
  errors: ContactImportError[];
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export const ContactImportSchema = new EntitySchema<ContactImport>({
  name: 'ContactImport',
  tableName: 'contact_import',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    status: { type: 'text' },
    source: { type: 'text', lazy: true },
    total: { type: 'integer' },
    done: { type: 'integer' },
    created: { type: 'integer' },
    errors: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    finishedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});

export const contactEntities = [
  ContactSchema,
  ContactEmailSchema,
  OrganizationSchema,
  ContactImportSchema,
];
