/** Request and response schemas of the contacts module (named for the OpenAPI document). */
import { z } from 'zod';

export const IdParams = z.object({ id: z.uuid() });

const name = z.string().trim().min(1).max(200);
const email = z.email().max(254);
const phone = z.string().trim().min(3).max(40);
const attributes = z.record(z.string().max(100), z.unknown());

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(200).optional(),
});

export const ContactSchemaOut = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    customAttributes: z.record(z.string(), z.unknown()),
    organizationId: z.uuid().nullable(),
    mergedIntoId: z.uuid().nullable(),
    restrictedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Contact' });

export const ContactPage = z
  .object({ data: z.array(ContactSchemaOut), nextCursor: z.string().nullable() })
  .meta({ id: 'ContactPage' });

export const ContactCreateBody = z
  .strictObject({
    name: name.nullable().optional(),
    emails: z.array(email).max(20).optional(),
    phones: z.array(phone).max(20).optional(),
    customAttributes: attributes.optional(),
    organizationId: z.uuid().nullable().optional(),
  })
  .meta({ id: 'ContactCreate' });

/** Same fields, all optional and without defaults: only what is sent changes. */
export const ContactUpdateBody = ContactCreateBody.partial().meta({ id: 'ContactUpdate' });

export const MergeBody = z.strictObject({ sourceId: z.uuid() }).meta({ id: 'ContactMerge' });

export const OrganizationSchemaOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domains: z.array(z.string()),
    createdAt: z.string(),
  })
  .meta({ id: 'Organization' });

export const OrganizationPage = z
  .object({ data: z.array(OrganizationSchemaOut), nextCursor: z.string().nullable() })
  .meta({ id: 'OrganizationPage' });

const domain = z
  .string()
  .trim()
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain name like example.com')
  .max(253);

export const OrganizationCreateBody = z
  .strictObject({ name, domains: z.array(domain).max(50).optional() })
  .meta({ id: 'OrganizationCreate' });

export const OrganizationUpdateBody = OrganizationCreateBody.partial().meta({
  id: 'OrganizationUpdate',
});

/** 5 MB of CSV text. */
export const MAX_IMPORT_CHARS = 5 * 1024 * 1024;

export const ImportCreateBody = z
  .strictObject({ csv: z.string().min(1).max(MAX_IMPORT_CHARS) })
  .meta({ id: 'ContactImportCreate' });

export const ImportSchemaOut = z
  .object({
    id: z.uuid(),
    status: z.enum(['queued', 'running', 'completed']),
    total: z.number().int(),
    done: z.number().int(),
    created: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ContactImport' });
