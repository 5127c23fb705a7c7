/**
 * A subject's privacy state and the direct controls of the contact panel: restriction,
 * per-purpose objections, legal holds, and the consent ledger (append-only: withdrawing is a new
 * entry, and the latest entry per kind/purpose is the current state).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineRoute, errors, type RouteDefinition } from '@novumdesk/core';
import { addressHash, iso, sqlOf, type Scope } from '../db.js';
import { findRequest } from '../requests/store.js';
import { actorRef } from '../requests/store.js';
import { resolveSubject, type SubjectId } from '../subjects.js';
import { erasurePreview } from '../erase.js';
import { activeHold } from '../holds.js';
import { queueWork } from '../work.js';
import { transition } from '../requests/store.js';
import {
  IdParams,
  PRIVACY_PERMISSIONS,
  SubjectInputSchema,
  SubjectParams,
  workspaceOf,
} from './common.js';

const Purpose = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);

const ConsentSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['terms', 'privacy_policy', 'cookies', 'age', 'purpose']),
    purpose: z.string().nullable(),
    version: z.string().nullable(),
    categories: z.array(z.string()),
    granted: z.boolean(),
    source: z.string(),
    occurredAt: z.iso.datetime(),
  })
  .meta({ id: 'PrivacyConsent' });

const HoldSchema = z
  .object({
    id: z.uuid(),
    subject: z.object({ kind: z.enum(['contact', 'user']), id: z.uuid() }),
    reason: z.string(),
    placedAt: z.iso.datetime(),
    releasedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'PrivacyLegalHold' });

const StatusSchema = z
  .object({
    subject: z.object({ kind: z.enum(['contact', 'user']), id: z.uuid() }),
    restricted: z.boolean(),
    objections: z.array(z.string()),
    holds: z.array(HoldSchema),
    consents: z.array(ConsentSchema),
    openRequests: z.number().int(),
  })
  .meta({ id: 'PrivacySubjectStatus' });

const RecordConsentSchema = z
  .object({
    kind: z.enum(['terms', 'privacy_policy', 'cookies', 'age', 'purpose']),
    purpose: Purpose.optional(),
    version: z.string().trim().min(1).max(50).optional(),
    categories: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{1,40}$/))
      .max(20)
      .default([]),
    granted: z.boolean(),
    source: z.string().trim().min(1).max(100).default('api'),
  })
  .meta({ id: 'PrivacyRecordConsent' });

async function subjectFrom(scope: Scope, workspaceId: string, params: SubjectId) {
  return resolveSubject(scope, workspaceId, params);
}

const consentView = (r: Record<string, unknown>) => ({
  id: r.id as string,
  kind: r.kind as 'terms',
  purpose: (r.purpose as string | null) ?? null,
  version: (r.version as string | null) ?? null,
  categories: (r.categories as string[]) ?? [],
  granted: r.granted === true,
  source: r.source as string,
  occurredAt: iso(r.occurred_at)!,
});

const holdView = (r: Record<string, unknown>) => ({
  id: r.id as string,
  subject: { kind: r.subject_kind as 'contact', id: r.subject_id as string },
  reason: r.reason as string,
  placedAt: iso(r.placed_at)!,
  releasedAt: iso(r.released_at),
});

export async function consentLedger(scope: Scope, workspaceId: string, subject: SubjectId) {
  const rows = await sqlOf(scope)(
    `select * from privacy_consent where workspace_id = ? and subject_kind = ? and subject_id = ?
      order by occurred_at, id`,
    [workspaceId, subject.kind, subject.id],
  );
  return rows.map(consentView);
}

export async function recordConsent(
  scope: Scope,
  workspaceId: string,
  subject: SubjectId,
  body: z.output<typeof RecordConsentSchema>,
) {
  if (body.kind === 'purpose' && !body.purpose) {
    throw errors.badRequest('validation_failed', 'A purpose consent names its purpose', {
      fields: [{ path: 'body.purpose', message: 'required for kind "purpose"' }],
    });
  }
  const [row] = await sqlOf(scope)(
    `insert into privacy_consent
       (id, workspace_id, subject_kind, subject_id, kind, purpose, version, categories, granted, source, recorded_by, occurred_at)
     values (?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?::jsonb, ?) returning *`,
    [
      randomUUID(),
      workspaceId,
      subject.kind,
      subject.id,
      body.kind,
      body.purpose ?? null,
      body.version ?? null,
      `{${body.categories.join(',')}}`,
      body.granted,
      body.source,
      JSON.stringify(actorRef(scope.cradle.actor)),
      scope.cradle.clock.now(),
    ],
  );
  return consentView(row!);
}

export function subjectRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/subjects/:kind/:id',
      operationId: 'privacyGetSubjectStatus',
      summary: "A subject's restriction, objections, legal holds, consents and open requests",
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { params: SubjectParams },
      responses: {
        200: { description: 'The privacy state', schema: StatusSchema },
        404: { description: 'No such subject in this workspace' },
      },
      async handler({ params, scope }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await subjectFrom(scope, workspaceId, params);
        const sql = sqlOf(scope);
        const args = [workspaceId, subject.kind, subject.id];
        const match = `workspace_id = ? and subject_kind = ? and subject_id = ?`;
        const restricted = await sql(`select 1 from privacy_restriction where ${match}`, args);
        const objections = await sql(
          `select purpose from privacy_objection where ${match} order by purpose`,
          args,
        );
        const holds = await sql(
          `select * from privacy_legal_hold where ${match} order by placed_at, id`,
          args,
        );
        const [open] = await sql(
          `select count(*)::int as n from privacy_request where ${match} and state not in ('completed', 'refused')`,
          args,
        );
        return {
          subject,
          restricted: restricted.length > 0,
          objections: objections.map((o) => o.purpose as string),
          holds: holds.map(holdView),
          consents: await consentLedger(scope, workspaceId, subject),
          openRequests: Number(open?.n ?? 0),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/subjects/:kind/:id/erasure-preview',
      operationId: 'privacyErasurePreview',
      summary: 'What erasing the subject would affect: ticket numbers and counts, no identifiers',
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { params: SubjectParams },
      responses: {
        200: {
          description: 'The preview',
          schema: z.object({
            ticketNumbers: z.array(z.number().int()),
            messages: z.number().int(),
            addresses: z.number().int(),
            held: z.boolean(),
          }),
        },
        404: { description: 'No such subject' },
      },
      async handler({ params, scope }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await subjectFrom(scope, workspaceId, params);
        const preview = await erasurePreview(scope, workspaceId, subject);
        const held = await activeHold(scope, workspaceId, subject);
        return {
          ...(preview as { ticketNumbers: number[]; messages: number; addresses: number }),
          held: !!held,
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/subjects/:kind/:id/restriction',
      operationId: 'privacySetRestriction',
      summary: "Restrict (or stop restricting) the processing of a subject's data (Art. 18)",
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: {
        params: SubjectParams,
        body: z.object({ restricted: z.boolean(), reason: z.string().trim().max(500).optional() }),
      },
      responses: {
        200: { description: 'The new state', schema: z.object({ restricted: z.boolean() }) },
        404: { description: 'No such subject' },
      },
      async handler({ params, body, scope }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await subjectFrom(scope, workspaceId, params);
        const sql = sqlOf(scope);
        if (body.restricted) {
          await sql(
            `insert into privacy_restriction (workspace_id, subject_kind, subject_id, reason, created_at)
             values (?, ?, ?, ?, ?) on conflict do nothing`,
            [workspaceId, subject.kind, subject.id, body.reason ?? null, scope.cradle.clock.now()],
          );
        } else {
          await sql(
            `delete from privacy_restriction where workspace_id = ? and subject_kind = ? and subject_id = ?`,
            [workspaceId, subject.kind, subject.id],
          );
        }
        return { restricted: body.restricted };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/subjects/:kind/:id/objections',
      operationId: 'privacySetObjections',
      summary: 'The purposes a subject objects to (analytics, surveys, marketing, …) (Art. 21)',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: { params: SubjectParams, body: z.object({ purposes: z.array(Purpose).max(20) }) },
      responses: {
        200: {
          description: 'The objections now in force',
          schema: z.object({ purposes: z.array(z.string()) }),
        },
        404: { description: 'No such subject' },
      },
      async handler({ params, body, scope }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await subjectFrom(scope, workspaceId, params);
        const sql = sqlOf(scope);
        await sql(
          `delete from privacy_objection where workspace_id = ? and subject_kind = ? and subject_id = ?`,
          [workspaceId, subject.kind, subject.id],
        );
        const purposes = [...new Set(body.purposes)].sort();
        for (const purpose of purposes) {
          await sql(
            `insert into privacy_objection (workspace_id, subject_kind, subject_id, purpose, created_at)
             values (?, ?, ?, ?, ?)`,
            [workspaceId, subject.kind, subject.id, purpose, scope.cradle.clock.now()],
          );
        }
        return { purposes };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/subjects/:kind/:id/consents',
      operationId: 'privacyListConsents',
      summary: "A subject's consent ledger, oldest first",
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { params: SubjectParams },
      responses: {
        200: { description: 'The ledger', schema: z.object({ data: z.array(ConsentSchema) }) },
        404: { description: 'No such subject' },
      },
      async handler({ params, scope }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await subjectFrom(scope, workspaceId, params);
        return { data: await consentLedger(scope, workspaceId, subject) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/subjects/:kind/:id/consents',
      operationId: 'privacyRecordConsent',
      summary: "Append a consent or its withdrawal to a subject's ledger",
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: { params: SubjectParams, body: RecordConsentSchema },
      responses: {
        201: { description: 'The ledger entry', schema: ConsentSchema },
        404: { description: 'No such subject' },
      },
      async handler({ params, body, scope }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await subjectFrom(scope, workspaceId, params);
        return recordConsent(scope, workspaceId, subject, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/consents',
      operationId: 'privacyListOwnConsents',
      summary: 'Your own consent ledger',
      access: 'authenticated',
      responses: {
        200: { description: 'The ledger', schema: z.object({ data: z.array(ConsentSchema) }) },
      },
      async handler({ scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        if (actor?.kind !== 'user') throw errors.forbidden('user_required', 'Members only');
        return { data: await consentLedger(scope, workspaceId, { kind: 'user', id: actor.id }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/consents',
      operationId: 'privacyRecordOwnConsent',
      summary: 'Grant or withdraw a consent of your own (cookies, a purpose, …): one call',
      access: 'authenticated',
      request: { body: RecordConsentSchema },
      responses: { 201: { description: 'The ledger entry', schema: ConsentSchema } },
      async handler({ body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        if (actor?.kind !== 'user') throw errors.forbidden('user_required', 'Members only');
        return recordConsent(scope, workspaceId, { kind: 'user', id: actor.id }, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/holds',
      operationId: 'privacyListHolds',
      summary: 'Legal holds in force (and released ones with `all=true`)',
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { query: z.object({ all: z.enum(['true', 'false']).default('false') }) },
      responses: { 200: { description: 'Holds', schema: z.object({ data: z.array(HoldSchema) }) } },
      async handler({ query, scope }) {
        const workspaceId = await workspaceOf(scope);
        const rows = await sqlOf(scope)(
          `select * from privacy_legal_hold where workspace_id = ? and (? or released_at is null)
            order by placed_at, id limit 500`,
          [workspaceId, query.all === 'true'],
        );
        return { data: rows.map(holdView) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/holds',
      operationId: 'privacyPlaceHold',
      summary: "Place a legal hold on a subject's data: erasure and retention leave it alone",
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: {
        body: z.object({ subject: SubjectInputSchema, reason: z.string().trim().min(3).max(500) }),
      },
      responses: {
        201: { description: 'The hold', schema: HoldSchema },
        404: { description: 'No such subject' },
      },
      async handler({ body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await resolveSubject(scope, workspaceId, body.subject);
        const [row] = await sqlOf(scope)(
          `insert into privacy_legal_hold (id, workspace_id, subject_kind, subject_id, reason, placed_by, placed_at)
           values (?, ?, ?, ?, ?, ?::jsonb, ?) returning *`,
          [
            randomUUID(),
            workspaceId,
            subject.kind,
            subject.id,
            body.reason,
            JSON.stringify(actorRef(actor)),
            scope.cradle.clock.now(),
          ],
        );
        return holdView(row!);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/holds/:id/release',
      operationId: 'privacyReleaseHold',
      summary: 'Release a legal hold; held requests of the subject resume',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: { params: IdParams },
      responses: {
        200: { description: 'The released hold', schema: HoldSchema },
        404: { description: 'No such hold' },
        409: { description: '`already_released`' },
      },
      async handler({ params, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const sql = sqlOf(scope);
        const [hold] = await sql(
          `select * from privacy_legal_hold where workspace_id = ? and id = ?`,
          [workspaceId, params.id],
        );
        if (!hold) throw errors.notFound('Legal hold', { id: params.id });
        if (hold.released_at) throw errors.conflict('already_released', 'The hold was released');
        const [released] = await sql(
          `update privacy_legal_hold set released_at = ?, released_by = ?::jsonb where id = ? returning *`,
          [scope.cradle.clock.now(), JSON.stringify(actorRef(actor)), params.id],
        );
        const still = await sql(
          `select 1 from privacy_legal_hold where workspace_id = ? and subject_kind = ? and subject_id = ? and released_at is null`,
          [workspaceId, hold.subject_kind, hold.subject_id],
        );
        if (still.length === 0) {
          const held = await sql(
            `select id from privacy_request where workspace_id = ? and subject_kind = ? and subject_id = ? and state = 'held'`,
            [workspaceId, hold.subject_kind, hold.subject_id],
          );
          for (const { id } of held) {
            const row = await findRequest(scope, workspaceId, id as string);
            const resumed = await transition(scope, row, 'in_progress', actor, {
              reason: 'legal hold released',
            });
            await queueWork(scope, resumed);
          }
        }
        return holdView(released!);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/suppression',
      operationId: 'privacyCheckSuppression',
      summary: 'Whether an address was erased and must not be re-imported or sent marketing',
      description:
        'The list holds only keyed hashes of erased addresses; importers and senders ask here (or call `isProcessingAllowed` with purpose `marketing`).',
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { query: z.object({ email: z.email().max(254) }) },
      responses: {
        200: { description: 'The answer', schema: z.object({ suppressed: z.boolean() }) },
      },
      async handler({ query, scope }) {
        const workspaceId = await workspaceOf(scope);
        const rows = await sqlOf(scope)(
          `select 1 from privacy_suppression where workspace_id = ? and address_hash = ?`,
          [workspaceId, addressHash(scope.cradle.config.secret, workspaceId, query.email)],
        );
        return { suppressed: rows.length > 0 };
      },
    }),
  ];
}
