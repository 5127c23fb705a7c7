/**
 * Service messages of the privacy plugin, sent through the core's Mailer in the caller's
 * transaction (so a rolled-back change sends nothing). Their kinds are stable: tests and
 * operators find them by `kind` (`privacy_request_completed`, …).
 */
import type { Mailer } from '@novumdesk/core';
import { sqlOf, type Scope } from './db.js';

export type NoticeKind =
  | 'privacy_verify_request'
  | 'privacy_request_completed'
  | 'privacy_request_extended'
  | 'privacy_request_refused'
  | 'privacy_request_overdue'
  | 'privacy_export_ready'
  | 'privacy_policy_changed';

export async function sendNotice(
  scope: Scope,
  message: { to: string; subject: string; text: string; kind: NoticeKind; workspaceId: string },
): Promise<void> {
  const mailer = (scope.cradle as { mailer?: Mailer }).mailer;
  if (!mailer) return;
  await mailer.send(message, { em: scope.cradle.em });
}

/** Addresses of the workspace's members who hold `permission` through their role (owners do). */
export async function managerAddresses(scope: Scope, workspaceId: string): Promise<string[]> {
  const rows = await sqlOf(scope)(
    `select distinct u.email from membership m
       join role r on r.id = m.role_id
       join user_account u on u.id = m.user_id
      where m.workspace_id = ? and (r.key = 'owner' or 'privacy:manage' = any(r.permissions))
        and u.disabled_at is null`,
    [workspaceId],
  );
  return rows.map((r) => String(r.email));
}

/** The base URL of links in messages: the configured public URL, else the listening address. */
export function publicUrl(scope: Scope): string {
  const config = scope.cradle.config as unknown as {
    publicUrl?: string;
    http?: { publicUrl?: string };
  };
  return (config.publicUrl ?? config.http?.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
}
