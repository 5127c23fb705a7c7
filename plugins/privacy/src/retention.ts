/**
 * Retention: per workspace and per target (an entity type some module can age out), a number of
 * days after which rows are deleted or anonymised, run in batches by a scheduled job that skips
 * the records of subjects under legal hold. A dry run reports the counts and changes nothing.
 *
 * The core's own tables are covered by the targets below; plugins declare theirs in
 * `personalData.retention` (e.g. the email channel's raw MIME and delivery events).
 */
import { randomUUID } from 'node:crypto';
import type { HeldSubjects, RetentionTarget } from '@novumdesk/core';
import { sqlOf, textArray, type Scope } from './db.js';
import { heldSubjects } from './holds.js';

const DAY_MS = 86_400_000;

const held = (h: HeldSubjects) => ({
  contacts: textArray(h.contactIds),
  users: textArray(h.userIds),
});

/** A target over one table: rows older than the cutoff, minus held subjects' rows. */
function tableTarget(spec: {
  type: string;
  description: string;
  action: 'delete' | 'anonymize';
  defaultDays: number | null;
  table: string;
  /** Condition on old rows (`?` = cutoff). */
  old: string;
  /** Condition true for a held subject's row (`:contacts` / `:users` arrays). */
  heldBy: string;
  /** For `anonymize`: the SET clause. */
  set?: string;
}): RetentionTarget {
  const heldClause = (h: HeldSubjects) => {
    const { contacts, users } = held(h);
    return {
      text: spec.heldBy.replaceAll(':contacts', '?::uuid[]').replaceAll(':users', '?::text[]'),
      params: [...spec.heldBy.matchAll(/:(contacts|users)/g)].map((m) =>
        m[1] === 'contacts' ? contacts : users,
      ),
    };
  };
  const where = (before: Date, h: HeldSubjects, isHeld: boolean) => {
    const c = heldClause(h);
    return {
      text: `workspace_id = current_setting('novumdesk.workspace_id')::uuid and ${spec.old}
             and ${isHeld ? '' : 'not'} coalesce((${c.text}), false)`,
      params: [before, ...c.params],
    };
  };
  return {
    type: spec.type,
    description: spec.description,
    action: spec.action,
    defaultDays: spec.defaultDays,
    async count(before, h, scope) {
      const w = where(before, h, false);
      const [row] = await sqlOf(scope)(
        `select count(*)::int as n from ${spec.table} where ${w.text}`,
        w.params,
      );
      return Number(row?.n ?? 0);
    },
    async countHeld(before, h, scope) {
      const w = where(before, h, true);
      const [row] = await sqlOf(scope)(
        `select count(*)::int as n from ${spec.table} where ${w.text}`,
        w.params,
      );
      return Number(row?.n ?? 0);
    },
    async purge(before, limit, h, scope) {
      const w = where(before, h, false);
      const batch = `select ctid from ${spec.table} where ${w.text} limit ?`;
      const rows =
        spec.action === 'delete'
          ? await sqlOf(scope)(
              `delete from ${spec.table} where ctid = any(array(${batch})) returning 1`,
              [...w.params, limit],
            )
          : await sqlOf(scope)(
              `update ${spec.table} set ${spec.set} where ctid = any(array(${batch})) returning 1`,
              [...w.params, limit],
            );
      return rows.length;
    },
  };
}

/** Targets over the core's tables (and the privacy plugin's own). */
export const CORE_TARGETS: readonly RetentionTarget[] = [
  tableTarget({
    type: 'tickets.closed',
    description:
      'Closed tickets (with their messages and timeline), counted from their last change',
    action: 'delete',
    defaultDays: null,
    table: 'ticket',
    old: `status = 'closed' and updated_at < ?`,
    heldBy: `requester_id = any(:contacts)`,
  }),
  tableTarget({
    type: 'sessions.ipAddresses',
    description: 'IP addresses and user agents of sign-in sessions (nulled)',
    action: 'anonymize',
    defaultDays: 30,
    table: 'auth_session',
    old: `created_at < ? and (ip is not null or user_agent is not null)`,
    heldBy: `user_id::text = any(:users)`,
    set: 'ip = null, user_agent = null',
  }),
  tableTarget({
    type: 'sessions.ended',
    description: 'Sign-in sessions that ended (expired or revoked)',
    action: 'delete',
    defaultDays: 90,
    table: 'auth_session',
    old: `coalesce(revoked_at, expires_at) < ?`,
    heldBy: `user_id::text = any(:users)`,
  }),
  tableTarget({
    type: 'audit.ipAddresses',
    description: 'IP addresses and user agents in security events (nulled)',
    action: 'anonymize',
    defaultDays: 90,
    table: 'audit_event',
    old: `occurred_at < ? and (ip is not null or user_agent is not null)`,
    heldBy: `actor_id = any(:users)`,
    set: 'ip = null, user_agent = null',
  }),
  tableTarget({
    type: 'audit.events',
    description: 'Security events',
    action: 'delete',
    defaultDays: 365,
    table: 'audit_event',
    old: `occurred_at < ?`,
    heldBy: `actor_id = any(:users)`,
  }),
  tableTarget({
    type: 'webhooks.deliveries',
    description: 'Delivery log of outgoing webhooks',
    action: 'delete',
    defaultDays: 90,
    table: 'webhook_delivery',
    old: `created_at < ?`,
    heldBy: `false`,
  }),
  tableTarget({
    type: 'inboxes.deliveryEvents',
    description: 'Delivery events of outbound messages (sent, delivered, bounced, …)',
    action: 'delete',
    defaultDays: 90,
    table: 'message_delivery_event',
    old: `created_at < ?`,
    heldBy: `ticket_id in (select id from ticket where requester_id = any(:contacts))`,
  }),
  tableTarget({
    type: 'mail.serviceMessages',
    description: 'Stored copies of service messages (verification, notices)',
    action: 'delete',
    defaultDays: 30,
    table: 'mail_message',
    old: `created_at < ?`,
    heldBy: `false`,
  }),
  tableTarget({
    type: 'privacy.requests',
    description: 'Closed data-subject requests and their trail (kept 12 months for accountability)',
    action: 'delete',
    defaultDays: 365,
    table: 'privacy_request',
    old: `state in ('completed', 'refused') and completed_at < ?`,
    heldBy: `subject_kind = 'contact' and subject_id = any(:contacts)`,
  }),
];

/** Every target: the core's, then the plugins' own declarations. */
export function allTargets(scope: Scope): RetentionTarget[] {
  const declared = scope.cradle.personalDataRegistry.flatMap((d) => d.handlers?.retention ?? []);
  return [...CORE_TARGETS, exportFilesTarget, ...declared];
}

export function findTarget(scope: Scope, type: string): RetentionTarget | undefined {
  return allTargets(scope).find((t) => t.type === type);
}

/** Export packages: the file is deleted once its link has expired (days = grace after expiry). */
const exportFilesTarget: RetentionTarget = {
  type: 'privacy.exports',
  description: 'Export packages, deleted after their download link expires',
  action: 'delete',
  defaultDays: 0,
  async count(before, _h, scope) {
    const [row] = await sqlOf(scope)(
      `select count(*)::int as n from privacy_request
        where export_key is not null and (export_expires_at < ? or export_downloaded_at is not null)`,
      [before],
    );
    return Number(row?.n ?? 0);
  },
  async purge(before, limit, _h, scope) {
    const rows = await sqlOf(scope)(
      `select id, export_key from privacy_request
        where export_key is not null and (export_expires_at < ? or export_downloaded_at is not null)
        limit ?`,
      [before, limit],
    );
    for (const row of rows) {
      await scope.cradle.storage.delete(row.export_key as string);
      await sqlOf(scope)(
        `update privacy_request set export_key = null, export_token_hash = null where id = ?`,
        [row.id],
      );
    }
    return rows.length;
  },
};

export interface TargetPolicy {
  type: string;
  description: string;
  action: 'delete' | 'anonymize';
  defaultDays: number | null;
  days: number | null;
  /** Whether the workspace set the days itself. */
  custom: boolean;
}

export async function policies(scope: Scope, workspaceId: string): Promise<TargetPolicy[]> {
  const rows = await sqlOf(scope)(
    `select target, days from privacy_retention_policy where workspace_id = ?`,
    [workspaceId],
  );
  const set = new Map(rows.map((r) => [r.target as string, r.days as number | null]));
  return allTargets(scope).map((t) => ({
    type: t.type,
    description: t.description,
    action: t.action,
    defaultDays: t.defaultDays,
    days: set.has(t.type) ? set.get(t.type)! : t.defaultDays,
    custom: set.has(t.type),
  }));
}

export interface RunReport {
  target: string;
  dryRun: boolean;
  cutoff: string;
  processed: number;
  skippedHold: number;
  /** More rows are due: the job continues in a new transaction. */
  more: boolean;
}

/**
 * One target: the dry run counts, the real run processes up to `maxBatches` batches of
 * `batchSize` rows and says whether more remain. Recorded in `privacy_retention_run`.
 */
export async function runTarget(
  scope: Scope,
  workspaceId: string,
  target: RetentionTarget,
  days: number,
  options: { dryRun: boolean; batchSize?: number; maxBatches?: number },
): Promise<RunReport> {
  const startedAt = scope.cradle.clock.now();
  const cutoff = new Date(startedAt.getTime() - days * DAY_MS);
  const holds = await heldSubjects(scope, workspaceId);
  const skippedHold = (await target.countHeld?.(cutoff, holds, scope)) ?? 0;
  let processed = 0;
  let more = false;
  if (options.dryRun) {
    processed = await target.count(cutoff, holds, scope);
  } else {
    const batchSize = options.batchSize ?? 1000;
    const maxBatches = options.maxBatches ?? 50;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const n = await target.purge(cutoff, batchSize, holds, scope);
      processed += n;
      if (n < batchSize) break;
      if (batch === maxBatches - 1) more = true;
    }
  }
  await sqlOf(scope)(
    `insert into privacy_retention_run
       (id, workspace_id, target, dry_run, cutoff, processed, skipped_hold, started_at, finished_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      randomUUID(),
      workspaceId,
      target.type,
      options.dryRun,
      cutoff,
      processed,
      skippedHold,
      startedAt,
      scope.cradle.clock.now(),
    ],
  );
  return {
    target: target.type,
    dryRun: options.dryRun,
    cutoff: cutoff.toISOString(),
    processed,
    skippedHold,
    more,
  };
}
