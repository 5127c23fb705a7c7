/**
 * Versions of the terms and the privacy policy, published by the operator with an effective
 * date. A material change notifies every member of every registered workspace by a service
 * message; members accept the new version at their next sign-in (`GET /me/policies` lists what
 * is pending, `POST /me/policies/accept` records the acceptance in the consent ledger).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineRoute, errors, type RouteDefinition } from '@novumdesk/core';
import { iso, sqlOf } from '../db.js';
import { recordConsent } from './subjects.js';
import { workspaceOf } from './common.js';

export const POLICY_NOTICE_JOB = 'privacy.policy-notice';

const PolicyVersionSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['terms', 'privacy_policy']),
    version: z.string(),
    effectiveAt: z.iso.datetime(),
    material: z.boolean(),
    summary: z.string(),
    url: z.string().nullable(),
    publishedAt: z.iso.datetime(),
  })
  .meta({ id: 'PrivacyPolicyVersion' });

const view = (r: Record<string, unknown>) => ({
  id: r.id as string,
  kind: r.kind as 'terms',
  version: r.version as string,
  effectiveAt: iso(r.effective_at)!,
  material: r.material === true,
  summary: r.summary as string,
  url: (r.url as string | null) ?? null,
  publishedAt: iso(r.published_at)!,
});

export function policyRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/policies',
      operationId: 'privacyListPolicyVersions',
      summary: 'Published versions of the terms and the privacy policy, newest first',
      access: 'public',
      tenancy: 'none',
      responses: {
        200: { description: 'Versions', schema: z.object({ data: z.array(PolicyVersionSchema) }) },
      },
      async handler({ scope }) {
        const rows = await sqlOf(scope)(
          `select * from privacy_policy_version order by effective_at desc, published_at desc limit 200`,
        );
        return { data: rows.map(view) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/policies',
      operationId: 'privacyPublishPolicyVersion',
      summary: 'Publish a version of the terms or the privacy policy (operators)',
      access: { permission: 'system:manage' },
      tenancy: 'none',
      request: {
        body: z.object({
          kind: z.enum(['terms', 'privacy_policy']),
          version: z.string().trim().min(1).max(50),
          effectiveAt: z.iso.datetime(),
          material: z.boolean(),
          summary: z.string().trim().min(3).max(2000),
          url: z.url().optional(),
        }),
      },
      responses: {
        201: { description: 'The published version', schema: PolicyVersionSchema },
        409: { description: '`version_exists`' },
      },
      async handler({ body, scope }) {
        const sql = sqlOf(scope);
        const exists = await sql(
          `select 1 from privacy_policy_version where kind = ? and version = ?`,
          [body.kind, body.version],
        );
        if (exists.length > 0)
          throw errors.conflict('version_exists', 'This version was published');
        const [row] = await sql(
          `insert into privacy_policy_version (id, kind, version, effective_at, material, summary, url, published_at)
           values (?, ?, ?, ?, ?, ?, ?, ?) returning *`,
          [
            randomUUID(),
            body.kind,
            body.version,
            new Date(body.effectiveAt),
            body.material,
            body.summary,
            body.url ?? null,
            scope.cradle.clock.now(),
          ],
        );
        if (body.material) {
          await scope.cradle.jobs.send(POLICY_NOTICE_JOB, { policyId: row!.id });
        }
        return view(row!);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/policies',
      operationId: 'privacyPendingPolicies',
      summary: 'Material policy versions in effect that you have not accepted yet',
      description:
        'The admin UI asks this after sign-in and shows each pending version for acceptance.',
      access: 'authenticated',
      responses: {
        200: {
          description: 'Pending versions',
          schema: z.object({ pending: z.array(PolicyVersionSchema) }),
        },
      },
      async handler({ scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        if (actor?.kind !== 'user') throw errors.forbidden('user_required', 'Members only');
        const rows = await sqlOf(scope)(
          `select distinct on (p.kind) p.* from privacy_policy_version p
            where p.material and p.effective_at <= ?
            order by p.kind, p.effective_at desc, p.published_at desc`,
          [scope.cradle.clock.now()],
        );
        const pending = [];
        for (const row of rows) {
          const accepted = await sqlOf(scope)(
            `select 1 from privacy_consent where workspace_id = ? and subject_kind = 'user' and subject_id = ?
               and kind = ? and version = ? and granted`,
            [workspaceId, actor.id, row.kind, row.version],
          );
          if (accepted.length === 0) pending.push(view(row));
        }
        return { pending };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/policies/accept',
      operationId: 'privacyAcceptPolicy',
      summary: 'Accept a published version (recorded in the consent ledger)',
      access: 'authenticated',
      request: {
        body: z.object({
          kind: z.enum(['terms', 'privacy_policy']),
          version: z.string().min(1).max(50),
        }),
      },
      responses: {
        201: {
          description: 'Recorded',
          schema: z.object({ id: z.uuid(), kind: z.string(), version: z.string().nullable() }),
        },
        404: { description: 'No such version' },
      },
      async handler({ body, scope, actor }) {
        const workspaceId = await workspaceOf(scope);
        if (actor?.kind !== 'user') throw errors.forbidden('user_required', 'Members only');
        const found = await sqlOf(scope)(
          `select 1 from privacy_policy_version where kind = ? and version = ?`,
          [body.kind, body.version],
        );
        if (found.length === 0) throw errors.notFound('Policy version', body);
        const entry = await recordConsent(
          scope,
          workspaceId,
          { kind: 'user', id: actor.id },
          {
            kind: body.kind,
            version: body.version,
            categories: [],
            granted: true,
            source: 'sign-in',
          },
        );
        return { id: entry.id, kind: entry.kind, version: entry.version };
      },
    }),
  ];
}
