/**
 * The kernel's own module, loaded first through the same plugin contract as everything else:
 * its tables (the outbox), its migrations and its operator routes.
 */
import type { NovumPlugin } from '../kernel/contract.js';
import { DomainEventSchema } from '../events/domain-event.entity.js';
import { coreMigrations } from '../migrations/index.js';
import { CORE_VERSION } from '../version.js';
import { SYSTEM_MANAGE, SYSTEM_READ, systemRoutes } from './system.routes.js';

export const coreModule: NovumPlugin = {
  id: 'core',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Kernel: outbox, jobs, system routes',
  entities: [DomainEventSchema],
  migrations: coreMigrations,
  permissions: [SYSTEM_READ, SYSTEM_MANAGE],
  // Event payloads carry ids, not personal data (a rule for every module that records events),
  // so the outbox itself needs no export/erase handler.
  noPersonalData: true,
  register(ctx) {
    for (const route of systemRoutes()) ctx.route(route);
  },
};
