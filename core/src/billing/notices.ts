/**
 * Billing notices: service messages to the billing contact (or the workspace owners) through
 * the `mailer`. Texts are templates with `{{name}}` placeholders; a provider's `notices` option
 * (set by the operator in novumdesk.config.ts) replaces the defaults, and the
 * `billing.beforeNotice` hook may change or re-address a notice before it is sent.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { sqlFor } from '../identity/db.js';
import type { BillingNoticeKind, NoticeTemplate } from './contract.js';
import { noticeRecipients, workspaceInfo } from './store.js';

export const DEFAULT_NOTICES: Record<BillingNoticeKind, NoticeTemplate> = {
  trial_ending: {
    subject: 'Your NovumDesk trial for {{workspace}} ends on {{date}}',
    text:
      'The trial of the {{plan}} plan for the workspace "{{workspace}}" ends on {{date}}.\n\n' +
      'To keep working without interruption, choose a plan: {{billingUrl}}\n\n' +
      'Nothing is deleted when a trial ends: the workspace becomes read-only until it subscribes.',
  },
  payment_failed: {
    subject: 'Payment failed for {{workspace}}',
    text:
      'We could not collect the payment for the workspace "{{workspace}}" ({{plan}} plan).\n\n' +
      'Please update the payment method here: {{portalUrl}}\n\n' +
      'The workspace keeps working until {{date}}; after that it becomes read-only (reading and ' +
      'exporting still work) until the payment succeeds. No data is deleted.',
  },
  canceled: {
    subject: 'The subscription of {{workspace}} was canceled',
    text:
      'The {{plan}} subscription of the workspace "{{workspace}}" was canceled.\n\n' +
      'The workspace is now read-only: everything stays readable and exportable. Subscribe ' +
      'again at any time: {{billingUrl}}',
  },
  seats_changed: {
    subject: 'Seats of {{workspace}} changed to {{seats}}',
    text:
      'The subscription of the workspace "{{workspace}}" ({{plan}} plan) now bills {{seats}} ' +
      'seat(s). Changes are prorated by the payment processor.\n\nDetails: {{billingUrl}}',
  },
};

export function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '');
}

/**
 * Builds and sends one notice in the scope's transaction (the stored message commits with the
 * change that caused it). Returns false when there was nobody to send it to.
 */
export async function sendNotice(
  scope: AwilixContainer<RequestCradle>,
  workspaceId: string,
  kind: BillingNoticeKind,
  vars: Record<string, string>,
  templates: Partial<Record<BillingNoticeKind, NoticeTemplate>> = {},
): Promise<boolean> {
  const { em, mailer, hooks, actor, requestId, config } = scope.cradle;
  const sql = sqlFor(em);
  const to = await noticeRecipients(sql, workspaceId);
  const workspace = await workspaceInfo(sql, workspaceId);
  const base = (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/$/, '');
  const all = {
    workspace: workspace?.name ?? 'your workspace',
    billingUrl: `${base}/admin/settings/billing`,
    portalUrl: `${base}/admin/settings/billing`,
    ...vars,
  };
  const template = templates[kind] ?? DEFAULT_NOTICES[kind];
  const notice = await hooks['billing.beforeNotice'].promise(
    {
      kind,
      to,
      subject: render(template.subject, all),
      text: render(template.text, all),
      workspaceId,
    },
    { em, scope, actor, workspaceId, requestId },
  );
  if (notice.to.length === 0) return false;
  for (const address of notice.to) {
    await mailer.send(
      {
        to: address,
        subject: notice.subject,
        text: notice.text,
        kind: `billing_${kind}`,
        workspaceId,
      },
      { em },
    );
  }
  return true;
}
