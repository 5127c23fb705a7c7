/**
 * `@novumdesk/example-hello-plugin`: a small but complete NovumDesk plugin. It shows every part
 * of the plugin contract a typical plugin uses:
 *
 * - options with a default (`options.ts`),
 * - an entity and its migration, with the plugin-prefixed table name (`greeting.entity.ts`,
 *   `migrations/`),
 * - routes under `/api/p/hello`, validated by zod (`routes.ts`),
 * - a hook it defines for other plugins (`hello:beforeCreate`) and a kernel hook it taps
 *   (`app.ready`), typed by declaration merging (`contract.ts`),
 * - a domain event recorded in the route's transaction, and a subscriber that runs after commit,
 * - personal-data export and erase handlers (`personal-data.ts`),
 * - an admin UI panel in the ticket sidebar, built by `npm run build` (`admin/`).
 *
 * An operator enables it in `novumdesk.config.ts`: `plugins: [hello({ greeting: 'Welcome' })]`.
 */
import { fileURLToPath } from 'node:url';
import { AsyncSeriesWaterfallHook } from 'tapable';
import { definePlugin, type HookContext } from '@novumdesk/core';
import type { HelloGreetingDraft } from './contract.js';
import { HelloGreetingSchema } from './greeting.entity.js';
import { helloMigrations } from './migrations/index.js';
import { HelloOptionsSchema } from './options.js';
import { helloPersonalData } from './personal-data.js';
import { greetingRoutes } from './routes.js';

export type { HelloGreetingDraft, HelloGreeted } from './contract.js';
export type { HelloGreeting } from './greeting.entity.js';
export type { HelloOptions } from './options.js';
export { HelloGreetingSchema } from './greeting.entity.js';

export default definePlugin({
  id: 'hello',
  version: '0.1.0',
  core: '^0.1.0',
  description: 'Example plugin: greets visitors',
  options: HelloOptionsSchema,
  permissions: ['hello:read', 'hello:write'],
  entities: [HelloGreetingSchema],
  migrations: helloMigrations,
  personalData: helloPersonalData,
  // Built by `vite build` from admin/ (the same path from src/ in tests and from dist/).
  admin: {
    assetsDir: fileURLToPath(new URL('../dist/admin/', import.meta.url)),
    panels: [
      {
        id: 'ticket-greeting',
        slot: 'ticket.sidebar',
        title: 'Hello',
        entry: 'panels.js',
        exportName: 'TicketGreeting',
        order: 50,
        requires: ['hello:read'],
      },
    ],
  },

  // Declarations only: no I/O here. Everything declared is wired up when the helpdesk assembles.
  register(ctx) {
    // A hook of our own, for other plugins to tap (they must list "hello" in dependsOn).
    ctx.hooks.define(
      'hello:beforeCreate',
      () =>
        new AsyncSeriesWaterfallHook<[HelloGreetingDraft, HookContext], HelloGreetingDraft>([
          'draft',
          'ctx',
        ]),
      {
        kind: 'transform',
        description:
          'Called inside the transaction that creates a greeting. Taps may change the draft, or throw a NovumError to refuse it.',
        payload: '(draft: HelloGreetingDraft, ctx: HookContext)',
        returns: 'the (changed) draft',
        since: '0.1.0',
      },
    );

    for (const route of greetingRoutes(ctx.options)) ctx.route(route);

    // Runs once per `hello.greeted` event, after the transaction that recorded it commits, in a
    // job with its own scope and EntityManager; retried with backoff if it throws.
    // The subscriber gets the event's envelope: id, name, payload, workspaceId, actor, requestId.
    ctx.on('hello.greeted', { name: 'welcome', retryLimit: 3 }, async ({ payload }, scope) => {
      const { em, clock } = scope.cradle;
      const greeting = await em.findOne(HelloGreetingSchema, { id: payload.greetingId });
      // Idempotent: a retried job must not repeat the side effect.
      if (!greeting || greeting.welcomedAt) return;
      // A real plugin would send the visitor a welcome e-mail here.
      greeting.welcomedAt = clock.now();
      await em.flush();
      ctx.logger.info({ greetingId: greeting.id }, 'visitor welcomed');
    });

    // A kernel lifecycle hook: called once every plugin has booted.
    ctx.hooks.tap('app.ready', ({ plugins }) => {
      ctx.logger.info(
        { plugins: plugins.map((plugin) => `${plugin.id}@${plugin.version}`) },
        `hello: the helpdesk is ready with ${plugins.length} plugins and modules`,
      );
    });
  },
});
