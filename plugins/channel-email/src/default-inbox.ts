/**
 * Works out of the box: the first workspace gets an email inbox at the support address
 * (`support@localhost` unless configured), at start-up when a workspace exists, or else when the
 * first mail for that address arrives (a newcomer signs up, then sends a mail). The workspace is
 * found as the login role; where that role cannot see workspaces (a non-superuser login role in
 * server mode), create the inbox through the API instead (docs/email.md).
 */
import { withWorkspace } from '@novumdesk/core';
import type { EmailRuntime, InboxRoute } from './runtime.js';

export async function ensureDefaultInbox(rt: EmailRuntime): Promise<InboxRoute | null> {
  if (!rt.options.defaultInbox) return null;
  const address = rt.options.supportAddress.toLowerCase();
  const existing = await rt.route(address);
  if (existing) return existing;
  const [workspace] = await rt.systemSql()(
    `select id from workspace order by created_at, id limit 1`,
  );
  if (!workspace) return null;
  try {
    await withWorkspace(rt.cradle.orm.em.fork(), workspace.id as string, (tx) =>
      rt.cradle.channelInbound.createInbox(tx, workspace.id as string, {
        channelType: 'email',
        name: 'Support',
        settings: { address },
      }),
    );
    rt.logger.info(
      { address, workspaceId: workspace.id },
      'email: created the default support inbox',
    );
  } catch (error) {
    // Another process created it first (the address is unique): use theirs.
    rt.logger.debug({ err: error }, 'email: default inbox not created');
  }
  return rt.route(address);
}
