/**
 * Security events (ASVS 16.3), named after the OWASP Logging Vocabulary. Written to
 * `audit_event` in their own statement, so a failure the request answers with a 401 or 429 is
 * still recorded; and mirrored as one log line with ids only (no address, no credential).
 */
import { v7 as uuidv7 } from 'uuid';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { inIdentityContext, systemSql, type Sql } from './db.js';

export type AuditAction =
  | 'authn_login_success'
  | 'authn_login_fail'
  | 'authn_login_lock'
  | 'authn_token_reuse'
  | 'authn_token_refresh_fail'
  | 'authn_logout'
  | 'authn_password_change'
  | 'authn_signup'
  | 'authz_fail'
  | 'apikey_created'
  | 'apikey_revoked'
  | 'user_created'
  | (string & {});

export interface AuditRecord {
  action: AuditAction;
  workspaceId?: string | null;
  actor?: { kind: string; id: string } | null;
  target?: { type: string; id: string } | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Ids, reasons, counts. Never secrets, passwords or what the user typed as a login name. */
  metadata?: Record<string, unknown>;
}

const MAX_USER_AGENT = 512;

export class AuditLog {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Inside `sql`'s transaction when given (the event then commits or rolls back with it; inside
   * a request's workspace transaction it must be given). Otherwise in a statement of its own:
   * in the event's workspace context, or as an instance-level row when it has no workspace.
   */
  async record(event: AuditRecord, sql?: Sql): Promise<void> {
    const id = uuidv7();
    if (sql) await this.insert(id, event, sql);
    else if (event.workspaceId) {
      await inIdentityContext(this.orm, { workspaceId: event.workspaceId }, (tx) =>
        this.insert(id, event, tx),
      );
    } else await this.insert(id, event, systemSql(this.orm));
    this.logger.info(
      {
        audit: event.action,
        auditId: id,
        workspaceId: event.workspaceId ?? undefined,
        targetId: event.target?.id,
        reason: event.metadata?.reason,
      },
      'security event',
    );
  }

  private async insert(id: string, event: AuditRecord, sql: Sql): Promise<void> {
    await sql(
      `insert into audit_event
         (id, workspace_id, actor_kind, actor_id, action, target_type, target_id, ip, user_agent, metadata, occurred_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
      [
        id,
        event.workspaceId ?? null,
        event.actor?.kind ?? null,
        event.actor?.id ?? null,
        event.action,
        event.target?.type ?? null,
        event.target?.id ?? null,
        event.ip ?? null,
        event.userAgent ? event.userAgent.slice(0, MAX_USER_AGENT) : null,
        JSON.stringify(event.metadata ?? {}),
        this.clock.now(),
      ],
    );
  }
}
