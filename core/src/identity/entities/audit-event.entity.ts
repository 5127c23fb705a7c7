import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../../tenancy/index.js';

/**
 * A security or administrative event, named in the OWASP logging vocabulary
 * (`authn_login_success`, `authn_login_fail`, `authn_token_reuse`, …). Append-only, with its own
 * retention. `workspaceId` is null for events outside any workspace (a failed login for an
 * unknown address). Metadata holds ids and reasons, never secrets or typed-in credentials.
 */
export interface AuditEvent {
  id: string;
  workspaceId: string | null;
  actorKind: string | null;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  occurredAt: Date;
}

export const AuditEventSchema = new EntitySchema<AuditEvent>({
  name: 'AuditEvent',
  tableName: 'audit_event',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid', nullable: true },
    actorKind: { type: 'text', nullable: true },
    actorId: { type: 'text', nullable: true },
    action: { type: 'text' },
    targetType: { type: 'text', nullable: true },
    targetId: { type: 'text', nullable: true },
    ip: { type: 'text', nullable: true },
    userAgent: { type: 'text', nullable: true },
    metadata: { type: 'json' },
    occurredAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
