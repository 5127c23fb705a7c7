/**
 * The two contexts a plugin sees: `PluginContext` for `register()` (declarations only) and
 * `PluginRuntimeContext` for `boot()` / `prepareShutdown()` / `shutdown()` (the assembled
 * container). The register context closes when `register()` returns, so a plugin that keeps it
 * and declares later gets an error instead of a route or key that nobody picks up.
 */
import type { AwilixContainer } from 'awilix';
import type {
  ChannelProvider,
  CoreCradle,
  PluginContext,
  PluginRuntimeContext,
} from '../contract.js';
import type { PluginHooks } from '../hooks/registry.js';
import type { Logger } from '../logger.js';
import { NovumError } from '../errors.js';
import type { ContainerKeyLedger } from './container-keys.js';
import type {
  DeclarationCollector,
  PluginEventSubscription,
  PluginJobDeclaration,
} from './declarations.js';
import type { ResolvedPlugin } from './resolve.js';

type SubscriptionHandler = PluginEventSubscription['handler'];
type JobHandler = PluginJobDeclaration['handler'];

export interface RegisterServices {
  ledger: ContainerKeyLedger;
  declarations: DeclarationCollector;
  hooks: PluginHooks;
  logger: Logger;
}

export function createRegisterContext<O>(
  resolved: ResolvedPlugin<O>,
  services: RegisterServices,
): { context: PluginContext<O>; close(): void } {
  const { id } = resolved;
  let open = true;
  const assertOpen = (what: string) => {
    if (open) return;
    throw new NovumError(
      'PLUGIN_LIFECYCLE',
      `plugin "${id}" called ctx.${what}() after register() returned; declare everything inside register()`,
    );
  };

  const context: PluginContext<O> = {
    id,
    options: resolved.options,
    logger: services.logger,
    hooks: services.hooks,
    register(resolvers) {
      assertOpen('register');
      services.ledger.register({ id, builtin: resolved.builtin }, resolvers);
    },
    route(route) {
      assertOpen('route');
      services.declarations.addRoute(id, route);
    },
    page(mount) {
      assertOpen('page');
      services.declarations.addPage(id, mount);
    },
    on(event, options, handler) {
      assertOpen('on');
      // The collected list is keyed by any event, so the handler loses its event-specific type.
      services.declarations.addSubscription(id, event, options, handler as SubscriptionHandler);
    },
    job(name, handler, options) {
      assertOpen('job');
      services.declarations.addJob(id, name, handler as JobHandler, options);
    },
    channels: {
      add(provider) {
        assertOpen('channels.add');
        services.declarations.addChannel(id, provider as ChannelProvider);
      },
    },
  };
  return { context, close: () => (open = false) };
}

export function createRuntimeContext<O>(
  resolved: ResolvedPlugin<O>,
  container: AwilixContainer<CoreCradle>,
  logger: Logger,
): PluginRuntimeContext<O> {
  return {
    id: resolved.id,
    options: resolved.options,
    logger,
    container,
    resolve: (key) => container.resolve(key),
  };
}
