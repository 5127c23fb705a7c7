/**
 * Usage analytics routes, mounted under `/api/p/analytics/usage`. The admin UI posts page views
 * and named actions in batches; the server decides, per batch, whether anything may be stored:
 *
 * 1. the caller is a person (a user; API keys are not tracked),
 * 2. the request carries neither `DNT: 1` nor `Sec-GPC: 1`,
 * 3. the person has not objected here (`POST /usage/objection`),
 * 4. `isProcessingAllowed(…, purpose 'analytics', requiresConsent: true)` says yes — which, by
 *    default and without a privacy plugin holding a recorded consent, it does not.
 *
 * When the answer is no because consent is missing or was withdrawn, the person's raw events
 * are deleted too. Stored events carry the IP's network only (/24, /48), a country from the
 * local database, and the browser family and OS.
 */
import { z } from 'zod';
import {
  APP_ROLE,
  defineRoute,
  errors,
  isProcessingAllowed,
  reply,
  type Actor,
  type RouteDefinition,
} from '@novumdesk/core';
import { sqlFor } from '../db.js';
import type { AnalyticsOptions } from '../options.js';
import { workspaceOf, REPORTS_READ } from '../reports/routes.js';
import { UsageRangeQuery, FeatureUsageSchema } from '../reports/schemas.js';
import { networkAddress, optedOutByHeaders, parseUserAgent, truncateIp } from './edge.js';
import type { CountryLookup } from './geo.js';
import {
  featureUsage,
  featureUsageAllWorkspaces,
  forgetSubject,
  hasObjected,
  object,
  recordBatch,
  withdrawObjection,
  type UsageSubject,
} from './store.js';

export const FORWARD_JOB = 'analytics.forward';
const TAGS = ['Analytics'];

/** Dotted lower-case names (`ticket.reply`, `tickets.list`): never free text, URLs or ids. */
const NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*){0,4}$/;
const FEATURE = /^[a-z][a-z0-9-]*$/;

const UsageEventSchema = z.object({
  type: z.enum(['page_view', 'action']),
  name: z
    .string()
    .max(100)
    .regex(NAME, 'A dotted lower-case name such as tickets.list or ticket.reply')
    .describe('Route name for page views, action name for actions (never a URL or free text)'),
  feature: z
    .string()
    .max(60)
    .regex(FEATURE)
    .optional()
    .describe('Feature or plugin id; defaults to the first segment of the name'),
  occurredAt: z.iso
    .datetime()
    .optional()
    .describe('Client time; server time when absent or implausible'),
});

const UsageBatchSchema = z
  .object({ events: z.array(UsageEventSchema).min(1).max(500) })
  .meta({ id: 'AnalyticsUsageBatch' });

const REASONS = ['not_a_person', 'do_not_track', 'objected', 'no_consent'] as const;
type Reason = (typeof REASONS)[number];

const BatchResultSchema = z
  .object({
    accepted: z.number().int(),
    stored: z.number().int(),
    reason: z.enum(REASONS).nullable().describe('Why nothing was stored'),
  })
  .meta({ id: 'AnalyticsUsageBatchResult' });

const StatusSchema = z
  .object({
    recording: z.boolean(),
    reason: z.enum(REASONS).nullable(),
  })
  .meta({ id: 'AnalyticsUsageStatus' });

export function subjectOf(actor: Actor | null): UsageSubject | null {
  return actor?.kind === 'user' ? { kind: 'user', id: actor.id } : null;
}

type Scope = Parameters<RouteDefinition['handler']>[0]['scope'];

/** Why nothing may be recorded for this request's person, or null when it may. */
async function refusal(
  scope: Scope,
  actor: Actor | null,
  headers: Record<string, string | string[] | undefined>,
): Promise<{ reason: Reason | null; subject: UsageSubject | null; workspaceId: string }> {
  const workspaceId = workspaceOf(actor);
  const subject = subjectOf(actor);
  if (!subject) return { reason: 'not_a_person', subject, workspaceId };
  if (optedOutByHeaders(headers)) return { reason: 'do_not_track', subject, workspaceId };
  const sql = sqlFor(scope.cradle.em);
  if (await hasObjected(sql, workspaceId, subject))
    return { reason: 'objected', subject, workspaceId };
  const allowed = await isProcessingAllowed(scope, {
    workspaceId,
    subject,
    purpose: 'analytics',
    requiresConsent: true,
  });
  return { reason: allowed ? null : 'no_consent', subject, workspaceId };
}

export function usageRoutes(
  options: AnalyticsOptions,
  countries: CountryLookup,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/usage/events',
      operationId: 'analyticsRecordUsage',
      summary: 'Record a batch of page views and named actions of the signed-in person',
      description:
        'Stored only with consent to analytics, without `DNT: 1` / `Sec-GPC: 1`, and without an objection. ' +
        'The answer says how many events were stored and, when none, why.',
      tags: TAGS,
      access: 'authenticated',
      request: { body: UsageBatchSchema },
      responses: {
        202: { description: 'Received', schema: BatchResultSchema },
        400: { description: 'Invalid events, or more than `maxBatch` of them' },
      },
      async handler({ body, scope, actor, koa }) {
        const accepted = body.events.length;
        if (accepted > options.maxBatch) {
          throw errors.badRequest(
            'batch_too_large',
            `At most ${options.maxBatch} events per batch`,
            {
              max: options.maxBatch,
            },
          );
        }
        const { reason, subject, workspaceId } = await refusal(scope, actor, koa.headers);
        const sql = sqlFor(scope.cradle.em);
        if (reason || !subject) {
          // Consent missing or withdrawn: what was recorded under an earlier consent goes too.
          if (subject && reason === 'no_consent') await forgetSubject(sql, workspaceId, subject);
          return { accepted, stored: 0, reason };
        }
        const now = scope.cradle.clock.now();
        const ipPrefix = truncateIp(koa.ip);
        const device = {
          ipPrefix,
          country: await countries.country(ipPrefix ? networkAddress(ipPrefix) : null),
          ...parseUserAgent(koa.get('user-agent')),
        };
        const events = body.events.map((e) => {
          const at = e.occurredAt ? new Date(e.occurredAt) : now;
          const plausible =
            at.getTime() <= now.getTime() + 300_000 && at.getTime() >= now.getTime() - 86_400_000;
          return {
            type: e.type,
            name: e.name,
            feature: e.feature ?? e.name.split('.')[0]!,
            occurredAt: plausible ? at : now,
          };
        });
        const stored = await recordBatch(sql, workspaceId, subject, events, device, now);
        if (options.forwarding) {
          await scope.cradle.jobs.send(
            FORWARD_JOB,
            {
              workspaceId,
              events: events.map((e) => ({
                type: e.type,
                name: e.name,
                occurredAt: e.occurredAt.toISOString(),
              })),
            },
            { em: scope.cradle.em },
          );
        }
        return { accepted, stored, reason: null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/usage/status',
      operationId: 'analyticsUsageStatus',
      summary:
        'Whether usage events of the signed-in person are recorded (so the UI sends none otherwise)',
      tags: TAGS,
      access: 'authenticated',
      responses: { 200: { description: 'The status', schema: StatusSchema } },
      async handler({ scope, actor, koa }) {
        const { reason } = await refusal(scope, actor, koa.headers);
        return { recording: reason === null, reason };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/usage/objection',
      operationId: 'analyticsObject',
      summary:
        'Object to usage analytics: nothing is recorded from now on, and past raw events are deleted',
      tags: TAGS,
      access: 'authenticated',
      responses: {
        200: {
          description: 'Recorded',
          schema: z
            .object({ deletedEvents: z.number().int() })
            .meta({ id: 'AnalyticsObjectionResult' }),
        },
      },
      async handler({ scope, actor }) {
        const workspaceId = workspaceOf(actor);
        const subject = subjectOf(actor);
        if (!subject) return { deletedEvents: 0 };
        const deleted = await object(
          sqlFor(scope.cradle.em),
          workspaceId,
          subject,
          scope.cradle.clock.now(),
        );
        return { deletedEvents: deleted };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/usage/objection',
      operationId: 'analyticsWithdrawObjection',
      summary: 'Withdraw an objection (recording still needs consent)',
      tags: TAGS,
      access: 'authenticated',
      responses: { 204: { description: 'Withdrawn' } },
      async handler({ scope, actor }) {
        const workspaceId = workspaceOf(actor);
        const subject = subjectOf(actor);
        if (subject) await withdrawObjection(sqlFor(scope.cradle.em), workspaceId, subject);
        return reply(204);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/usage/features',
      operationId: 'analyticsFeatureUsage',
      summary: 'Which features and plugins are used, by how many people (this workspace)',
      tags: TAGS,
      access: { permission: REPORTS_READ },
      request: { query: UsageRangeQuery },
      responses: { 200: { description: 'Feature usage', schema: FeatureUsageSchema } },
      async handler({ query, scope, actor }) {
        const data = await featureUsage(
          sqlFor(scope.cradle.em),
          workspaceOf(actor),
          query.from,
          query.to,
        );
        return { from: query.from, to: query.to, rawRetentionDays: options.rawRetentionDays, data };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/operator/feature-usage',
      operationId: 'analyticsOperatorFeatureUsage',
      summary: 'Operators: which features and plugins each workspace uses, by how many people',
      description:
        'Counts only (no person is named). `activeUsers` counts distinct people from raw events, within their retention; `peakDailyUsers` comes from the per-day counts.',
      tags: TAGS,
      access: { permission: 'system:read' },
      tenancy: 'none',
      request: { query: UsageRangeQuery },
      responses: {
        200: {
          description: 'Feature usage per workspace',
          schema: z
            .object({
              from: z.string(),
              to: z.string(),
              data: z.array(
                z.object({
                  workspaceId: z.uuid(),
                  feature: z.string(),
                  events: z.number().int(),
                  activeUsers: z.number().int(),
                  peakDailyUsers: z.number().int(),
                }),
              ),
            })
            .meta({ id: 'AnalyticsOperatorFeatureUsage' }),
        },
      },
      async handler({ query, scope }) {
        const data = await featureUsageAllWorkspaces(
          scope.cradle.orm.em,
          APP_ROLE,
          query.from,
          query.to,
        );
        return { from: query.from, to: query.to, data };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sub-processors',
      operationId: 'analyticsSubProcessors',
      summary:
        'Where usage analytics data goes besides this server (empty unless forwarding is on)',
      tags: TAGS,
      access: 'authenticated',
      responses: {
        200: {
          description: 'Sub-processors',
          schema: z
            .object({
              data: z.array(
                z.object({ name: z.string(), purpose: z.string(), endpoint: z.string() }),
              ),
            })
            .meta({ id: 'AnalyticsSubProcessors' }),
        },
      },
      handler() {
        const f = options.forwarding;
        return {
          data: f
            ? [
                {
                  name: f.processorName,
                  purpose: 'Usage analytics (page views and action names, without identifiers)',
                  endpoint: new URL(f.url).origin,
                },
              ]
            : [],
        };
      },
    }),
  ];
}
