/**
 * Contacts, organizations, CSV import/export under `/api/v1`. Reading needs `contacts:read`,
 * changing needs `contacts:write` (identity vocabulary). Handlers run in the actor's workspace
 * transaction; domain events are recorded in it.
 */
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { toFieldErrors } from '../http/validate.js';
import { validationFailed } from '../http/problem.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { inWorkspace } from '../members/context.js';
import {
  allContacts,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  mergeContacts,
  updateContact,
} from './contacts.js';
import { readRawBody } from '../storage/raw-body.js';
import { toCsv } from './csv.js';
import { CONTACT_IMPORT_JOB, createImport, getImport } from './imports.js';
import {
  ContactCreateBody,
  ContactPage,
  ContactSchemaOut,
  ContactUpdateBody,
  IdParams,
  ImportCreateBody,
  ImportSchemaOut,
  ListQuery,
  MAX_IMPORT_CHARS,
  MergeBody,
} from './schemas.js';
import './events.js';

const TAGS = ['contacts'];
const read = { permission: PERMISSIONS.contactsRead };
const write = { permission: PERMISSIONS.contactsWrite };
const notFound = { description: 'No such contact in this workspace' };
const emailTaken = {
  description: 'Another contact of this workspace has one of the emails (`contact_email_taken`)',
};

export function contactRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/contacts',
      operationId: 'listContacts',
      summary: 'Contacts, newest first (keyset pagination); `q` searches names and emails',
      tags: TAGS,
      access: read,
      request: { query: ListQuery },
      responses: { 200: { description: 'One page', schema: ContactPage } },
      handler: ({ query, scope, actor }) =>
        listContacts(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/contacts/export.csv',
      operationId: 'exportContacts',
      summary: 'Every contact of the workspace as CSV (the import reads it back)',
      tags: TAGS,
      access: read,
      responses: { 200: { description: 'CSV, one row per contact', contentType: 'text/csv' } },
      async handler({ scope, actor, koa }) {
        const contacts = await allContacts(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId);
        const rows = [
          ['id', 'name', 'emails', 'phones', 'organization_id', 'custom_attributes', 'created_at'],
          ...contacts.map((c) => [
            c.id,
            c.name ?? '',
            c.emails.join(';'),
            c.phones.join(';'),
            c.organizationId ?? '',
            JSON.stringify(c.customAttributes),
            c.createdAt,
          ]),
        ];
        koa.set('content-disposition', 'attachment; filename="contacts.csv"');
        koa.type = 'text/csv; charset=utf-8';
        koa.body = toCsv(rows);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/contacts/imports',
      operationId: 'importContacts',
      summary: 'Import contacts from CSV, as a background job',
      description:
        'Body: `{ "csv": "…" }` (JSON, within the server body limit) or `text/csv` up to 5 MB. ' +
        'Columns: name, email(s), phone(s) (several separated by `;`), custom_attributes (JSON). ' +
        'Rows whose email is known are skipped, so re-running an import creates nothing twice.',
      tags: TAGS,
      access: write,
      responses: {
        202: {
          description: 'Queued; follow it at /contacts/imports/{id}',
          schema: ImportSchemaOut,
        },
        413: { description: 'More than 5 MB' },
      },
      async handler({ scope, actor, koa }) {
        const { workspaceId } = inWorkspace(actor);
        let csv: string;
        if (koa.request.is('text/csv', 'text/plain')) {
          csv = (await readRawBody(koa.req, MAX_IMPORT_CHARS)).toString('utf8');
        } else {
          const parsed = ImportCreateBody.safeParse(koa.request.body ?? {});
          if (!parsed.success) throw validationFailed(toFieldErrors('body', parsed.error.issues));
          csv = parsed.data.csv;
        }
        const { em, clock, jobs } = scope.cradle;
        const created = await createImport(sqlFor(em), workspaceId, csv, clock.now());
        await jobs.send(CONTACT_IMPORT_JOB, { importId: created.id, workspaceId }, { em });
        return created;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/contacts/imports/:id',
      operationId: 'getContactImport',
      summary: "An import's progress: rows done of total, and errors by line",
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: {
        200: { description: 'The import', schema: ImportSchemaOut },
        404: { description: 'No such import in this workspace' },
      },
      handler: ({ params, scope, actor }) =>
        getImport(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/contacts',
      operationId: 'createContact',
      summary: 'Create a contact',
      tags: TAGS,
      access: write,
      request: { body: ContactCreateBody },
      responses: { 201: { description: 'Created', schema: ContactSchemaOut }, 409: emailTaken },
      async handler({ body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock } = scope.cradle;
        const contact = await createContact(sqlFor(em), workspaceId, body, clock.now());
        scope.cradle.events.recordFrom(scope.cradle, 'contact.created', { contactId: contact.id });
        return contact;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/contacts/:id',
      operationId: 'getContact',
      summary: 'A contact (a merged one names the contact it went into: `mergedIntoId`)',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: { 200: { description: 'The contact', schema: ContactSchemaOut }, 404: notFound },
      handler: ({ params, scope, actor }) =>
        getContact(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/contacts/:id',
      operationId: 'updateContact',
      summary: 'Change a contact (only the fields sent; `emails`/`phones` replace the lists)',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: ContactUpdateBody },
      responses: {
        200: { description: 'The contact', schema: ContactSchemaOut },
        404: notFound,
        409: emailTaken,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock } = scope.cradle;
        const contact = await updateContact(sqlFor(em), workspaceId, params.id, body, clock.now());
        scope.cradle.events.recordFrom(scope.cradle, 'contact.updated', { contactId: contact.id });
        return contact;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/contacts/:id',
      operationId: 'deleteContact',
      summary: 'Delete a contact and its addresses',
      tags: TAGS,
      access: write,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ params, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        await deleteContact(sqlFor(scope.cradle.em), workspaceId, params.id);
        scope.cradle.events.recordFrom(scope.cradle, 'contact.deleted', { contactId: params.id });
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/contacts/:id/merge',
      operationId: 'mergeContact',
      summary: 'Merge another contact (`sourceId`) into this one',
      description:
        "The source's emails and phones move here, its attributes fill gaps; the source stays " +
        'with `mergedIntoId` set. Records `contact.merged` so tickets follow.',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: MergeBody },
      responses: {
        200: { description: 'The merged contact', schema: ContactSchemaOut },
        400: { description: 'Merging a contact into itself (`merge_into_self`)' },
        404: notFound,
        409: { description: 'One of them was merged already (`contact_merged`)' },
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock } = scope.cradle;
        const contact = await mergeContacts(
          sqlFor(em),
          workspaceId,
          params.id,
          body.sourceId,
          clock.now(),
        );
        scope.cradle.events.recordFrom(scope.cradle, 'contact.merged', {
          targetId: params.id,
          sourceId: body.sourceId,
        });
        return contact;
      },
    }),
  ];
}
