/**
 * What plugins declare in `register()` besides container keys and hook taps: routes, event
 * subscribers and jobs. The kernel only collects them; the HTTP layer mounts the routes and
 * `helpdesk.ts` wires subscribers and jobs to the queue, after every plugin has registered.
 */
import type { ChannelProvider, ChannelProviderDeclaration, PluginContext } from '../contract.js';
import type { RouteDefinition } from '../../http/route.js';
import type { PageMount, PageMountDeclaration } from '../../http/pages.js';
import { NovumError } from '../errors.js';

type OnParameters = Parameters<PluginContext['on']>;
type JobParameters = Parameters<PluginContext['job']>;

export interface PluginRouteDeclaration {
  pluginId: string;
  /** Mounted under `/api/p/<pluginId>`. */
  route: RouteDefinition;
}

export interface PluginEventSubscription {
  pluginId: string;
  event: OnParameters[0];
  /** `event.<pluginId>.<name>`: one queue per subscriber, so retries are per plugin. */
  queue: string;
  options: OnParameters[1];
  handler: OnParameters[2];
}

export interface PluginJobDeclaration {
  pluginId: string;
  name: string;
  /** `<pluginId>.<name>` */
  queue: string;
  handler: JobParameters[1];
  options: NonNullable<JobParameters[2]>;
}

export interface PluginDeclarations {
  readonly routes: readonly PluginRouteDeclaration[];
  /** Public page mounts (`ctx.page`), outside `/api`. */
  readonly pages: readonly PageMountDeclaration[];
  readonly subscriptions: readonly PluginEventSubscription[];
  readonly jobs: readonly PluginJobDeclaration[];
  /** Channel providers by type (`ctx.channels.add`). */
  readonly channels: ReadonlyMap<string, ChannelProviderDeclaration>;
}

// Queue names end up in pg-boss and in logs; keep them to a portable alphabet.
const DECLARATION_NAME = /^[a-z][a-zA-Z0-9-]*$/;
const CHANNEL_TYPE = /^[a-z][a-z0-9-]{0,39}$/;

export class DeclarationCollector implements PluginDeclarations {
  readonly routes: PluginRouteDeclaration[] = [];
  readonly pages: PageMountDeclaration[] = [];
  readonly subscriptions: PluginEventSubscription[] = [];
  readonly jobs: PluginJobDeclaration[] = [];
  readonly channels = new Map<string, ChannelProviderDeclaration>();

  addRoute(pluginId: string, route: RouteDefinition): void {
    this.routes.push({ pluginId, route });
  }

  addPage(pluginId: string, mount: PageMount): void {
    this.assertNewName(
      pluginId,
      'page mount',
      mount.name,
      this.pages.some((p) => p.pluginId === pluginId && p.mount.name === mount.name),
    );
    this.pages.push({ pluginId, mount });
  }

  addSubscription(pluginId: string, ...[event, options, handler]: OnParameters): void {
    const queue = `event.${pluginId}.${options.name}`;
    this.assertNewName(
      pluginId,
      'event subscriber',
      options.name,
      this.subscriptions.some((s) => s.queue === queue),
    );
    this.subscriptions.push({ pluginId, event, queue, options, handler });
  }

  addJob(pluginId: string, ...[name, handler, options]: JobParameters): void {
    const queue = `${pluginId}.${name}`;
    this.assertNewName(
      pluginId,
      'job',
      name,
      this.jobs.some((job) => job.queue === queue),
    );
    this.jobs.push({ pluginId, name, queue, handler, options: options ?? {} });
  }

  addChannel(pluginId: string, provider: ChannelProvider): void {
    if (!CHANNEL_TYPE.test(provider.type)) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}" declares channel type "${provider.type}": types must be kebab-case, starting with a letter`,
      );
    }
    const existing = this.channels.get(provider.type);
    if (existing) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}" cannot provide channel type "${provider.type}": already provided by plugin "${existing.pluginId}"`,
        { details: { plugin: pluginId, type: provider.type, owner: existing.pluginId } },
      );
    }
    this.channels.set(provider.type, { pluginId, provider });
  }

  private assertNewName(pluginId: string, what: string, name: string, taken: boolean): void {
    if (!DECLARATION_NAME.test(name)) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}" declares ${what} "${name}": names must be camelCase or kebab-case, starting with a letter`,
      );
    }
    if (taken) {
      throw new NovumError(
        'PLUGIN_DECLARATION_INVALID',
        `plugin "${pluginId}" declares ${what} "${name}" twice`,
      );
    }
  }
}
