/**
 * HTTP routes, mounted under `/api/p/hello`. Each route is declared once with zod schemas: the
 * core validates the request against them (400 `validation_failed` with field paths), checks the
 * access rule (401/403), and documents the route in `/api/v1/openapi.json`.
 */
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import {
  NovumError,
  defineRoute,
  errors,
  type HookContext,
  type RouteDefinition,
  type RouteInput,
} from '@novumdesk/core';
import { HelloGreetingSchema, type HelloGreeting } from './greeting.entity.js';
import type { HelloOptions } from './options.js';

type Scope = RouteInput<unknown, unknown, unknown>['scope'];

/** Named schemas (`.meta({ id })`) appear once under `components.schemas` in the OpenAPI document. */
export const GreetingSchema = z
  .object({
    id: z.uuid(),
    visitorName: z.string(),
    visitorEmail: z.email(),
    text: z.string(),
    createdAt: z.iso.datetime(),
    welcomedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'HelloGreeting' });

export const CreateGreetingSchema = z
  .object({
    visitorName: z.string().trim().min(1).max(100),
    visitorEmail: z.email().max(254).toLowerCase(),
  })
  .meta({ id: 'HelloCreateGreeting' });

const GreetingParams = z.object({ id: z.uuid() });

export function greetingRoutes(options: HelloOptions): RouteDefinition[] {
  const toJson = (greeting: HelloGreeting): z.input<typeof GreetingSchema> => ({
    id: greeting.id,
    visitorName: greeting.visitorName,
    visitorEmail: greeting.visitorEmail,
    text: `${options.greeting}, ${greeting.visitorName}!`,
    createdAt: greeting.createdAt.toISOString(),
    welcomedAt: greeting.welcomedAt?.toISOString() ?? null,
  });

  return [
    defineRoute({
      method: 'post',
      path: '/greetings',
      operationId: 'helloCreateGreeting',
      summary: 'Greet a visitor',
      access: { permission: 'hello:write' },
      request: { body: CreateGreetingSchema },
      responses: { 201: { description: 'The new greeting', schema: GreetingSchema } },
      async handler({ body, scope }) {
        const { em, events, hooks, clock, actor, requestId } = scope.cradle;
        const workspaceId = requireWorkspace(scope);
        // The handler already runs in the caller's workspace transaction (the core opens one for
        // every non-public route of an actor with a workspace); `transactional` nests in it. The
        // row and its domain event commit together, or neither does.
        const greeting = await em.transactional(async (tx) => {
          const hookContext: HookContext = { em: tx, scope, actor, workspaceId, requestId };
          const draft = await hooks['hello:beforeCreate'].promise({ ...body }, hookContext);
          const row = tx.create(HelloGreetingSchema, {
            id: uuidv7(),
            workspaceId,
            visitorName: draft.visitorName,
            visitorEmail: draft.visitorEmail,
            createdAt: clock.now(),
            welcomedAt: null,
          });
          events.record(
            tx,
            'hello.greeted',
            { greetingId: row.id },
            { workspaceId, actor, requestId },
          );
          return row;
        });
        return toJson(greeting); // 201, the lowest declared 2xx
      },
    }),
    defineRoute({
      method: 'get',
      path: '/greetings/:id',
      operationId: 'helloGetGreeting',
      summary: 'Get a greeting',
      access: { permission: 'hello:read' },
      request: { params: GreetingParams },
      responses: {
        200: { description: 'The greeting', schema: GreetingSchema },
        404: { description: 'No such greeting in this workspace' },
      },
      async handler({ params, scope }) {
        requireWorkspace(scope);
        // No workspace condition needed: the entity's workspace filter adds it, and row-level
        // security would hide another workspace's greeting even from a query that forgot to.
        const greeting = await scope.cradle.em.findOne(HelloGreetingSchema, { id: params.id });
        if (!greeting) throw errors.notFound('Greeting', { id: params.id });
        return toJson(greeting);
      },
    }),
  ];
}

/** Greetings belong to a workspace; the caller's comes from its actor. */
function requireWorkspace(scope: Scope): string {
  const { workspaceId } = scope.cradle;
  if (!workspaceId) {
    throw new NovumError('workspace_required', 'The caller belongs to no workspace', {
      status: 403,
    });
  }
  return workspaceId;
}
