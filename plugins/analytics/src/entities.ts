/**
 * The analytics tables that hold personal data, as EntitySchemas (so they can be named in
 * `personalData`). The plugin's code reads and writes them with plain SQL; the rollup,
 * per-day and rebuild tables hold no identifiers of people and have no entity.
 */
import { EntitySchema } from '@mikro-orm/core';
import { workspaceFilter } from '@novumdesk/core';

export interface AnalyticsUsageEvent {
  id: string;
  workspaceId: string;
  subjectKind: string;
  subjectId: string;
  type: string;
  name: string;
  feature: string;
  occurredAt: Date;
  receivedAt: Date;
  ipPrefix: string | null;
  country: string | null;
  browser: string | null;
  os: string | null;
}

export const AnalyticsUsageEventSchema = new EntitySchema<AnalyticsUsageEvent>({
  name: 'AnalyticsUsageEvent',
  tableName: 'analytics_usage_event',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    subjectKind: { type: 'text' },
    subjectId: { type: 'uuid' },
    type: { type: 'text' },
    name: { type: 'text' },
    feature: { type: 'text' },
    occurredAt: { type: 'Date', columnType: 'timestamptz' },
    receivedAt: { type: 'Date', columnType: 'timestamptz' },
    ipPrefix: { type: 'text', nullable: true },
    country: { type: 'text', nullable: true },
    browser: { type: 'text', nullable: true },
    os: { type: 'text', nullable: true },
  },
});

export interface AnalyticsObjection {
  workspaceId: string;
  subjectKind: string;
  subjectId: string;
  objectedAt: Date;
}

export const AnalyticsObjectionSchema = new EntitySchema<AnalyticsObjection>({
  name: 'AnalyticsObjection',
  tableName: 'analytics_objection',
  filters: { workspace: workspaceFilter },
  properties: {
    workspaceId: { type: 'uuid', primary: true },
    subjectKind: { type: 'text', primary: true },
    subjectId: { type: 'uuid', primary: true },
    objectedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export interface AnalyticsTicketActivity {
  workspaceId: string;
  ticketId: string;
  seq: number;
  kind: string;
  at: Date;
  agentId: string | null;
}

export const AnalyticsTicketActivitySchema = new EntitySchema<AnalyticsTicketActivity>({
  name: 'AnalyticsTicketActivity',
  tableName: 'analytics_ticket_activity',
  filters: { workspace: workspaceFilter },
  properties: {
    workspaceId: { type: 'uuid', primary: true },
    ticketId: { type: 'uuid', primary: true },
    seq: { type: 'integer', primary: true },
    kind: { type: 'text' },
    at: { type: 'Date', columnType: 'timestamptz' },
    agentId: { type: 'uuid', nullable: true },
  },
});

export interface AnalyticsTicketFact {
  workspaceId: string;
  ticketId: string;
  assigneeId: string | null;
}

export const AnalyticsTicketFactSchema = new EntitySchema<AnalyticsTicketFact>({
  name: 'AnalyticsTicketFact',
  tableName: 'analytics_ticket_fact',
  filters: { workspace: workspaceFilter },
  properties: {
    workspaceId: { type: 'uuid', primary: true },
    ticketId: { type: 'uuid', primary: true },
    assigneeId: { type: 'uuid', nullable: true },
  },
});

export const analyticsEntities = [
  AnalyticsUsageEventSchema,
  AnalyticsObjectionSchema,
  AnalyticsTicketActivitySchema,
  AnalyticsTicketFactSchema,
];
