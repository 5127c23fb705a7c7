/**
 * Data-subject requests over HTTP: the queue, one request with its trail, creation by an admin
 * (verification recorded, or a confirmation link to the contact's address on file), self-service
 * for members (re-authentication by password), the contact's confirmation, extension, refusal,
 * and the one-time download of an export package.
 */
import { z } from 'zod';
import {
  NovumError,
  defineRoute,
  errors,
  verifyPassword,
  type RouteDefinition,
} from '@novumdesk/core';
import { sqlOf, subjectRef, tokenHash, type Scope } from '../db.js';
import { erasurePreview } from '../erase.js';
import { publicUrl, sendNotice } from '../notify.js';
import { isLastOwner } from '../owners.js';
import { findRequest, insertRequest, toView, trailOf, transition } from '../requests/store.js';
import {
  OPEN_STATES,
  REQUEST_STATES,
  REQUEST_TYPES,
  addMonths,
  type RequestType,
} from '../requests/state.js';
import { loadSubject, resolveSubject, type SubjectId } from '../subjects.js';
import { newDownloadToken } from '../export.js';
import { startWork } from '../work.js';
import { deleteToken, findByTokenHash, inWorkspace, saveToken } from '../tokens.js';
import {
  IdParams,
  PRIVACY_PERMISSIONS,
  PageQuery,
  SubjectInputSchema,
  decodeCursor,
  encodeCursor,
  workspaceOf,
} from './common.js';

const VERIFY_TTL_MS = 7 * 86_400_000;

const RequestSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(REQUEST_TYPES),
    state: z.enum(REQUEST_STATES),
    subject: z.object({ kind: z.enum(['contact', 'user']), id: z.uuid(), ref: z.string() }),
    receivedAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    overdue: z.boolean(),
    extensionReason: z.string().nullable(),
    refusalReason: z.string().nullable(),
    verification: z.object({
      method: z.string().nullable(),
      note: z.string().nullable(),
      verifiedAt: z.iso.datetime().nullable(),
    }),
    eraseMethod: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    progress: z.number().int(),
    preview: z.record(z.string(), z.unknown()).nullable(),
    result: z.record(z.string(), z.unknown()).nullable(),
    export: z.object({
      ready: z.boolean(),
      expiresAt: z.iso.datetime().nullable(),
      downloadedAt: z.iso.datetime().nullable(),
    }),
    completedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PrivacyRequest' });

const TrailSchema = z.array(
  z.object({
    from: z.string().nullable(),
    to: z.string(),
    actor: z.object({ kind: z.string(), id: z.string() }).nullable(),
    reason: z.string().nullable(),
    at: z.iso.datetime(),
  }),
);

const Details = z
  .object({
    /** For `object`: the purposes objected to. */
    purposes: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{1,40}$/))
      .min(1)
      .max(20)
      .optional(),
    /** For `rectify`: the corrections. */
    changes: z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        email: z.object({ from: z.email(), to: z.email() }).optional(),
      })
      .optional(),
  })
  .default({});

const CreateRequestSchema = z
  .object({
    type: z.enum(REQUEST_TYPES),
    subject: SubjectInputSchema,
    /** How the requester's identity is checked (Art. 12(6)). */
    verification: z.discriminatedUnion('method', [
      z.object({ method: z.literal('email_link') }),
      z.object({
        method: z.literal('admin_checked'),
        note: z.string().trim().min(3).max(500),
      }),
    ]),
    eraseMethod: z.enum(['delete', 'anonymize', 'redact']).optional(),
    details: Details,
  })
  .meta({ id: 'PrivacyCreateRequest' });

const SelfRequestSchema = z
  .object({
    type: z.enum(REQUEST_TYPES),
    /** Re-authentication: the member's current password. */
    password: z.string().max(256).optional(),
    details: Details,
  })
  .meta({ id: 'PrivacySelfRequest' });

function checkDetails(type: RequestType, details: z.output<typeof Details>): void {
  if (type === 'object' && !details.purposes) {
    throw errors.badRequest('validation_failed', 'An objection names its purposes', {
      fields: [{ path: 'body.details.purposes', message: 'required for type "object"' }],
    });
  }
  if (type === 'rectify' && !details.changes) {
    throw errors.badRequest('validation_failed', 'A rectification names its changes', {
      fields: [{ path: 'body.details.changes', message: 'required for type "rectify"' }],
    });
  }
}

async function createRequest(
  scope: Scope,
  workspaceId: string,
  type: RequestType,
  subject: SubjectId,
  details: z.output<typeof Details>,
  eraseMethod: string | null,
) {
  const { actor, config, clock } = scope.cradle;
  if (type === 'erase' && subject.kind === 'user') {
    if (await isLastOwner(scope, workspaceId, subject.id)) {
      throw errors.conflict('last_owner', 'The last owner of the workspace cannot be erased');
    }
  }
  const preview = type === 'erase' ? await erasurePreview(scope, workspaceId, subject) : null;
  return insertRequest(scope, {
    workspaceId,
    type,
    subject,
    subjectRef: subjectRef(config.secret, workspaceId, subject.kind, subject.id),
    requestedBy: actor,
    dueAt: addMonths(clock.now(), 1),
    details,
    eraseMethod: type === 'erase' ? (eraseMethod ?? 'anonymize') : null,
    preview,
  });
}

export function requestRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/requests',
      operationId: 'privacyListRequests',
      summary: 'The queue of data-subject requests, soonest due first',
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: {
        query: PageQuery.extend({
          state: z.enum(REQUEST_STATES).optional(),
          open: z.enum(['true', 'false']).optional(),
        }),
      },
      responses: {
        200: {
          description: 'A page of requests',
          schema: z.object({ data: z.array(RequestSchema), nextCursor: z.string().nullable() }),
        },
        400: { description: 'Invalid query or cursor' },
      },
      async handler({ query, scope }) {
        const workspaceId = await workspaceOf(scope);
        const after = decodeCursor(query.cursor, 2);
        const rows = await sqlOf(scope)(
          `select * from privacy_request where workspace_id = ?
             and (?::text is null or state = ?)
             and (?::boolean is null or (state = any(?::text[])) = ?::boolean)
             and (?::timestamptz is null or (due_at, id) > (?::timestamptz, ?::uuid))
           order by due_at, id limit ?`,
          [
            workspaceId,
            query.state ?? null,
            query.state ?? null,
            query.open ?? null,
            `{${OPEN_STATES.join(',')}}`,
            query.open ?? null,
            after?.[0] ?? null,
            after?.[0] ?? null,
            after?.[1] ?? null,
            query.limit + 1,
          ],
        );
        const now = scope.cradle.clock.now();
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          data: page.map((r) => toView(r, now)),
          nextCursor:
            rows.length > query.limit && last
              ? encodeCursor([new Date(last.due_at as string).toISOString(), last.id])
              : null,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/requests',
      operationId: 'privacyCreateRequest',
      summary: 'Register a data-subject request for a contact or a member',
      description:
        'Due one month after receipt. With `verification.method = "email_link"` (contacts only) a single-use confirmation link goes to the address on file and the request waits in `verifying`; with `admin_checked` the way identity was checked is recorded and work starts. Erasing the last owner, or yourself through this route, is refused (409).',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: { body: CreateRequestSchema },
      responses: {
        201: { description: 'The request', schema: RequestSchema },
        404: { description: 'No such subject in this workspace' },
        409: { description: '`last_owner` or `own_account`' },
      },
      async handler({ body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        checkDetails(body.type, body.details);
        const subject = await resolveSubject(scope, workspaceId, body.subject);
        if (body.type === 'erase' && subject.kind === 'user' && subject.id === actor?.id) {
          throw errors.conflict(
            'own_account',
            'Erase your own account through your own request (POST /me/requests)',
          );
        }
        let row = await createRequest(
          scope,
          workspaceId,
          body.type,
          subject,
          body.details,
          body.eraseMethod ?? null,
        );
        if (body.verification.method === 'admin_checked') {
          row = await startWork(scope, row, actor, 'identity checked by an admin');
          const [updated] = await sqlOf(scope)(
            `update privacy_request set verification_method = 'admin_checked', verification_note = ?,
                    verified_at = ? where id = ? returning *`,
            [body.verification.note, scope.cradle.clock.now(), row.id],
          );
          row = updated!;
        } else {
          if (subject.kind !== 'contact') {
            throw errors.badRequest(
              'verification_method_invalid',
              'Members verify by re-authenticating: they file their own request',
              { fields: [{ path: 'body.verification.method', message: 'contacts only' }] },
            );
          }
          row = await sendVerificationLink(scope, row);
        }
        return toView(row, scope.cradle.clock.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/underage-reports',
      operationId: 'privacyReportUnderage',
      summary:
        'Report an account or contact as under 13: an erasure request is created and started',
      description:
        'The subject is excluded from analytics at once (objection), and an erasure request, recorded as verified by the report, starts.',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: {
        body: z.object({ subject: SubjectInputSchema, note: z.string().trim().min(3).max(500) }),
      },
      responses: {
        201: { description: 'The erasure request', schema: RequestSchema },
        404: { description: 'No such subject' },
        409: { description: '`last_owner`' },
      },
      async handler({ body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const subject = await resolveSubject(scope, workspaceId, body.subject);
        await sqlOf(scope)(
          `insert into privacy_objection (workspace_id, subject_kind, subject_id, purpose, created_at)
           values (?, ?, ?, 'analytics', ?) on conflict do nothing`,
          [workspaceId, subject.kind, subject.id, scope.cradle.clock.now()],
        );
        let row = await createRequest(scope, workspaceId, 'erase', subject, {}, 'anonymize');
        row = await startWork(scope, row, actor, `under-age report: ${body.note}`);
        const [updated] = await sqlOf(scope)(
          `update privacy_request set verification_method = 'underage_report', verification_note = ?,
                  verified_at = ? where id = ? returning *`,
          [body.note, scope.cradle.clock.now(), row.id],
        );
        return toView(updated!, scope.cradle.clock.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/requests',
      operationId: 'privacyCreateOwnRequest',
      summary: 'File a data-subject request about yourself (re-authentication required)',
      access: 'authenticated',
      request: { body: SelfRequestSchema },
      responses: {
        201: { description: 'The request', schema: RequestSchema },
        401: { description: '`reauth_required`: the current password is missing or wrong' },
        409: { description: '`last_owner`' },
      },
      async handler({ body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        if (actor?.kind !== 'user') {
          throw errors.forbidden(
            'user_required',
            'Only a signed-in member can file their own request',
          );
        }
        checkDetails(body.type, body.details);
        const [user] = await sqlOf(scope)(`select password_hash from user_account where id = ?`, [
          actor.id,
        ]);
        if (
          !body.password ||
          !user ||
          !(await verifyPassword(String(user.password_hash), body.password))
        ) {
          throw new NovumError('reauth_required', 'Confirm your password to file this request', {
            status: 401,
          });
        }
        let row = await createRequest(
          scope,
          workspaceId,
          body.type,
          { kind: 'user', id: actor.id },
          body.details,
          null,
        );
        row = await startWork(scope, row, actor, 'the member re-authenticated');
        const [updated] = await sqlOf(scope)(
          `update privacy_request set verification_method = 'reauth', verified_at = ? where id = ? returning *`,
          [scope.cradle.clock.now(), row.id],
        );
        return toView(updated!, scope.cradle.clock.now());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/requests',
      operationId: 'privacyListOwnRequests',
      summary: 'Your own data-subject requests',
      access: 'authenticated',
      responses: {
        200: { description: 'Your requests', schema: z.object({ data: z.array(RequestSchema) }) },
      },
      async handler({ scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const rows = await sqlOf(scope)(
          `select * from privacy_request where workspace_id = ? and subject_kind = 'user' and subject_id = ?
            order by created_at desc limit 100`,
          [workspaceId, actor?.id ?? '00000000-0000-0000-0000-000000000000'],
        );
        const now = scope.cradle.clock.now();
        return { data: rows.map((r) => toView(r, now)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/:id',
      operationId: 'privacyGetRequest',
      summary: 'One request with its audited trail of transitions',
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { params: IdParams },
      responses: {
        200: { description: 'The request', schema: RequestSchema.extend({ trail: TrailSchema }) },
        404: { description: 'No such request in this workspace' },
      },
      async handler({ params, scope }) {
        const workspaceId = await workspaceOf(scope);
        const row = await findRequest(scope, workspaceId, params.id);
        return {
          ...toView(row, scope.cradle.clock.now()),
          trail: await trailOf(scope, workspaceId, params.id),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/requests/:id/extend',
      operationId: 'privacyExtendRequest',
      summary: 'Extend the deadline by up to two further months, with a reason (Art. 12(3))',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: {
        params: IdParams,
        body: z.object({
          reason: z.string().trim().min(3).max(1000),
          months: z.union([z.literal(1), z.literal(2)]).default(2),
        }),
      },
      responses: {
        200: { description: 'The extended request', schema: RequestSchema },
        404: { description: 'No such request' },
        409: { description: '`already_extended` or `invalid_transition`' },
      },
      async handler({ params, body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const row = await findRequest(scope, workspaceId, params.id);
        if (row.extension_reason) {
          throw errors.conflict('already_extended', 'A request can be extended once');
        }
        const dueAt = addMonths(new Date(row.received_at as string), 1 + body.months);
        const updated = await transition(scope, row, 'extended', actor, {
          reason: body.reason,
          set: { extension_reason: body.reason, due_at: dueAt },
        });
        await noticeToSubject(
          scope,
          updated,
          'Your privacy request needs more time',
          `We need until ${dueAt.toISOString().slice(0, 10)} to complete your request: ${body.reason}`,
          'privacy_request_extended',
        );
        return toView(updated, scope.cradle.clock.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/requests/:id/refuse',
      operationId: 'privacyRefuseRequest',
      summary: 'Refuse a request, with a reason; the subject is told how to complain',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: { params: IdParams, body: z.object({ reason: z.string().trim().min(3).max(1000) }) },
      responses: {
        200: { description: 'The refused request', schema: RequestSchema },
        404: { description: 'No such request' },
        409: { description: '`invalid_transition`' },
      },
      async handler({ params, body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const row = await findRequest(scope, workspaceId, params.id);
        const updated = await transition(scope, row, 'refused', actor, {
          reason: body.reason,
          set: { refusal_reason: body.reason },
        });
        await noticeToSubject(
          scope,
          updated,
          'Your privacy request was refused',
          `Reason: ${body.reason}\n\nYou may lodge a complaint with a data protection supervisory authority and seek a judicial remedy.`,
          'privacy_request_refused',
        );
        return toView(updated, scope.cradle.clock.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/requests/:id/verify',
      operationId: 'privacyVerifyRequest',
      summary: "Record how an admin checked the requester's identity, and start the work",
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: { params: IdParams, body: z.object({ note: z.string().trim().min(3).max(500) }) },
      responses: {
        200: { description: 'The request', schema: RequestSchema },
        404: { description: 'No such request' },
        409: { description: '`invalid_transition`' },
      },
      async handler({ params, body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        const row = await findRequest(scope, workspaceId, params.id);
        const started = await startWork(scope, row, actor, 'identity checked by an admin');
        const [updated] = await sqlOf(scope)(
          `update privacy_request set verification_method = 'admin_checked', verification_note = ?,
                  verified_at = ?, verification_token_hash = null where id = ? returning *`,
          [body.note, scope.cradle.clock.now(), started.id],
        );
        return toView(updated!, scope.cradle.clock.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/verifications',
      operationId: 'privacyConfirmRequest',
      summary: 'A contact confirms their request with the single-use link sent to their address',
      access: 'public',
      tenancy: 'none',
      request: { body: z.object({ token: z.string().min(20).max(200) }) },
      responses: {
        200: { description: 'Confirmed', schema: z.object({ id: z.uuid(), state: z.string() }) },
        404: { description: 'Unknown, used or expired link (`link_invalid`)' },
      },
      async handler({ body, scope }) {
        const hash = tokenHash(scope.cradle.config.secret, body.token);
        return confirmByToken(scope, hash);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/downloads/:token',
      operationId: 'privacyDownloadExport',
      summary: 'Download an export package once, before its link expires',
      description:
        "A member's package needs that member's session as well as the link; a contact's link is their credential. Another user gets 404; an expired or used link 410.",
      access: 'public',
      tenancy: 'none',
      request: { params: z.object({ token: z.string().min(20).max(200) }) },
      responses: {
        200: { description: 'The package (JSON)', contentType: 'application/json' },
        404: { description: 'Unknown link, or not yours' },
        410: { description: '`link_expired`: expired or already used' },
      },
      async handler({ params, scope, koa }) {
        const hash = tokenHash(scope.cradle.config.secret, params.token);
        const result = await downloadByToken(scope, hash);
        koa.set('content-disposition', `attachment; filename="novumdesk-export-${result.id}.json"`);
        koa.set('cache-control', 'no-store');
        koa.type = 'application/json';
        koa.body = result.data;
        return undefined;
      },
    }),
  ];
}

async function sendVerificationLink(scope: Scope, row: Awaited<ReturnType<typeof findRequest>>) {
  const { token, hash } = newDownloadToken(scope.cradle.config.secret);
  const now = scope.cradle.clock.now();
  const updated = await transition(scope, row, 'verifying', scope.cradle.actor, {
    reason: 'confirmation link sent to the address on file',
    set: {
      verification_method: 'email_link',
      verification_token_hash: hash,
      verification_expires_at: new Date(now.getTime() + VERIFY_TTL_MS),
    },
  });
  await saveToken(scope, hash, row.workspace_id, row.id, 'verification');
  await noticeToSubject(
    scope,
    updated,
    'Confirm your privacy request',
    `Someone asked us to handle a "${row.type}" request about your data. If it was you, confirm it: ${publicUrl(scope)}/privacy/confirm#token=${token}\n\nIf it was not you, ignore this message.`,
    'privacy_verify_request',
  );
  return updated;
}

async function noticeToSubject(
  scope: Scope,
  row: Awaited<ReturnType<typeof findRequest>>,
  subject: string,
  text: string,
  kind: 'privacy_verify_request' | 'privacy_request_extended' | 'privacy_request_refused',
): Promise<void> {
  const full = await loadSubject(scope, row.workspace_id, {
    kind: row.subject_kind,
    id: row.subject_id,
  });
  if (!full.emails[0]) return;
  await sendNotice(scope, {
    to: full.emails[0],
    subject,
    text,
    kind,
    workspaceId: row.workspace_id,
  });
}

/**
 * The link carries no workspace: the request is found through `privacy_token` (tokens.ts), then
 * handled in its workspace. The token is spent whatever happens next.
 */
async function confirmByToken(scope: Scope, hash: string) {
  const found = await findByTokenHash(scope, 'verification', hash);
  if (!found) throw new NovumError('link_invalid', 'This link is not valid', { status: 404 });
  await deleteToken(scope, hash);
  return inWorkspace(scope, found.workspaceId, async () => {
    const row = await findRequest(scope, found.workspaceId, found.id);
    const expires = row.verification_expires_at
      ? new Date(row.verification_expires_at as string)
      : null;
    if (
      row.state !== 'verifying' ||
      !expires ||
      expires.getTime() < scope.cradle.clock.now().getTime()
    ) {
      throw new NovumError('link_invalid', 'This link is not valid', { status: 404 });
    }
    const started = await startWork(
      scope,
      row,
      null,
      'confirmed by the link sent to the address on file',
    );
    await sqlOf(scope)(
      `update privacy_request set verification_token_hash = null, verified_at = ? where id = ?`,
      [scope.cradle.clock.now(), started.id],
    );
    return { id: started.id as string, state: started.state as string };
  });
}

async function downloadByToken(scope: Scope, hash: string): Promise<{ id: string; data: Buffer }> {
  const found = await findByTokenHash(scope, 'download', hash);
  if (!found) throw errors.notFound('Export');
  const { actor } = scope.cradle;
  return inWorkspace(scope, found.workspaceId, async () => {
    const row = await findRequest(scope, found.workspaceId, found.id);
    if (row.subject_kind === 'user' && (actor?.kind !== 'user' || actor.id !== row.subject_id)) {
      throw errors.notFound('Export');
    }
    const now = scope.cradle.clock.now();
    if (
      !row.export_key ||
      row.export_downloaded_at ||
      new Date(row.export_expires_at as string).getTime() < now.getTime()
    ) {
      throw new NovumError('link_expired', 'This download link has expired or was used', {
        status: 410,
      });
    }
    const stored = await scope.cradle.storage.get(row.export_key as string);
    if (!stored) throw new NovumError('link_expired', 'This download is gone', { status: 410 });
    // Once: the file goes now, the row keeps only that it was downloaded (a second try is 410).
    await sqlOf(scope)(
      `update privacy_request set export_downloaded_at = ?, export_token_hash = null, export_key = null where id = ?`,
      [now, row.id],
    );
    await scope.cradle.storage.delete(row.export_key as string);
    return { id: row.id as string, data: stored.data };
  });
}
