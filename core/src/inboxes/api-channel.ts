/**
 * The core's built-in channel: the API inbox, through which integrations post inbound messages
 * over HTTP (`POST /inboxes/:id/messages`). It has no outbound side: replies stay in the
 * helpdesk (integrations follow them through webhooks or the change feed).
 */
import { z } from 'zod';
import type { ChannelProvider } from '../kernel/contract.js';

export const ApiInboxSettings = z.strictObject({
  /** Tags every ticket this inbox creates gets. */
  tags: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[^\s,]+$/, 'a tag has no spaces or commas')
        .max(100),
    )
    .max(20)
    .default([]),
});
export type ApiInboxSettings = z.infer<typeof ApiInboxSettings>;

export const apiChannel: ChannelProvider<ApiInboxSettings> = {
  type: 'api',
  displayName: 'API',
  settings: ApiInboxSettings,
};
