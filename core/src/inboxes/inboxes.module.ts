/**
 * The inboxes module: inboxes (configured instances of a channel provider, several per provider,
 * each with its own settings), the `ctx.channels` provider registry's built-in `api` type, and
 * the API inbox's inbound endpoint, the `channelInbound` service channel plugins hand inbound
 * messages to, and outbound dispatch with its delivery history (`delivery.ts`). Loaded after tickets (inbound messages create tickets).
 */
import { asFunction } from 'awilix';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { ChannelInboundService } from './channel-inbound.js';
import { DeliveryEventsService, dispatchMessage } from './delivery.js';
import '../tickets/events.js';
import { CORE_VERSION } from '../version.js';
import { apiChannel } from './api-channel.js';
import { inboxEntities } from './entities.js';
import { inboxesMigrations } from './migrations/index.js';
import { inboxRoutes } from './routes.js';

export const inboxesModule = definePlugin({
  id: 'inboxes',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Inboxes, the channel provider registry and the API inbox',
  dependsOn: { identity: `^${CORE_VERSION}`, tickets: `^${CORE_VERSION}` },
  entities: inboxEntities,
  migrations: inboxesMigrations,
  // Inbox settings and channel-side message ids; senders are contacts (contacts module).
  noPersonalData: true,
  register(ctx) {
    ctx.channels.add(apiChannel);
    ctx.register({
      channelInbound: asFunction(
        ({ config, clock, channelProviders }) =>
          new ChannelInboundService({ config, clock, channelProviders }),
      ).singleton(),
      deliveryEvents: asFunction(({ clock }) => new DeliveryEventsService({ clock })).singleton(),
    });
    // Agents' public replies go out through the provider of the ticket's inbox, after commit.
    ctx.on('message.created', { name: 'dispatch', retryLimit: 8 }, dispatchMessage);
    for (const route of inboxRoutes()) ctx.route(route);
  },
});
