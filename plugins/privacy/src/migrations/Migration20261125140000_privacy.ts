import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '@novumdesk/core';

/**
 * The privacy plugin's tables. Every table but `privacy_policy_version` (the operator's, for the
 * whole instance) belongs to a workspace and has row-level security. The request register and
 * its trail hold subject ids and keyed hashes, never an address or a name; the consent ledger is
 * append-only for the application role (no UPDATE or DELETE grant).
 */
const TABLES = [
  `create table privacy_request (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     type text not null check (type in ('access', 'export', 'rectify', 'erase', 'restrict', 'object')),
     state text not null check (state in
       ('received', 'verifying', 'in_progress', 'extended', 'held', 'completed', 'refused')),
     subject_kind text not null check (subject_kind in ('contact', 'user')),
     subject_id uuid not null,
     subject_ref text not null,
     requested_by jsonb null,
     verification_method text null,
     verification_note text null,
     verification_token_hash text null,
     verification_expires_at timestamptz null,
     verified_at timestamptz null,
     details jsonb not null default '{}',
     erase_method text null check (erase_method in ('delete', 'anonymize', 'redact')),
     received_at timestamptz not null,
     due_at timestamptz not null,
     extension_reason text null,
     refusal_reason text null,
     progress integer not null default 0 check (progress between 0 and 100),
     preview jsonb null,
     result jsonb null,
     work jsonb not null default '{}',
     export_key text null,
     export_token_hash text null,
     export_expires_at timestamptz null,
     export_downloaded_at timestamptz null,
     overdue_alerted_at timestamptz null,
     completed_at timestamptz null,
     created_at timestamptz not null,
     updated_at timestamptz not null
   )`,
  `create index privacy_request_queue on privacy_request (workspace_id, due_at, id)`,
  `create index privacy_request_subject on privacy_request (workspace_id, subject_kind, subject_id)`,
  `create table privacy_request_event (
     id uuid primary key,
     seq bigint generated always as identity,
     workspace_id uuid not null references workspace (id) on delete cascade,
     request_id uuid not null references privacy_request (id) on delete cascade,
     from_state text null,
     to_state text not null,
     actor jsonb null,
     reason text null,
     occurred_at timestamptz not null
   )`,
  `create index privacy_request_event_trail on privacy_request_event (request_id, seq)`,
  `create table privacy_restriction (
     workspace_id uuid not null references workspace (id) on delete cascade,
     subject_kind text not null,
     subject_id uuid not null,
     reason text null,
     created_at timestamptz not null,
     primary key (workspace_id, subject_kind, subject_id)
   )`,
  `create table privacy_objection (
     workspace_id uuid not null references workspace (id) on delete cascade,
     subject_kind text not null,
     subject_id uuid not null,
     purpose text not null,
     created_at timestamptz not null,
     primary key (workspace_id, subject_kind, subject_id, purpose)
   )`,
  `create table privacy_consent (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     subject_kind text not null check (subject_kind in ('contact', 'user')),
     subject_id uuid not null,
     kind text not null check (kind in ('terms', 'privacy_policy', 'cookies', 'age', 'purpose')),
     purpose text null,
     version text null,
     categories text[] not null default '{}',
     granted boolean not null,
     source text not null,
     recorded_by jsonb null,
     occurred_at timestamptz not null
   )`,
  `create index privacy_consent_subject on privacy_consent (workspace_id, subject_kind, subject_id, occurred_at, id)`,
  `create table privacy_legal_hold (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     subject_kind text not null check (subject_kind in ('contact', 'user')),
     subject_id uuid not null,
     reason text not null,
     placed_by jsonb null,
     placed_at timestamptz not null,
     released_by jsonb null,
     released_at timestamptz null
   )`,
  `create index privacy_legal_hold_active on privacy_legal_hold (workspace_id, subject_kind, subject_id)
     where released_at is null`,
  `create table privacy_suppression (
     workspace_id uuid not null references workspace (id) on delete cascade,
     address_hash text not null,
     request_id uuid null,
     created_at timestamptz not null,
     primary key (workspace_id, address_hash)
   )`,
  `create table privacy_retention_policy (
     workspace_id uuid not null references workspace (id) on delete cascade,
     target text not null,
     days integer null check (days is null or days between 0 and 36500),
     updated_at timestamptz not null,
     primary key (workspace_id, target)
   )`,
  `create table privacy_retention_run (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     target text not null,
     dry_run boolean not null,
     cutoff timestamptz not null,
     processed integer not null,
     skipped_hold integer not null,
     started_at timestamptz not null,
     finished_at timestamptz not null
   )`,
  `create index privacy_retention_run_recent on privacy_retention_run (workspace_id, started_at desc, id desc)`,
  // The workspaces the scheduled sweep visits (ids only; no row-level security, so the sweep,
  // which runs outside any workspace, can list them).
  `create table privacy_workspace (
     workspace_id uuid primary key references workspace (id) on delete cascade,
     registered_at timestamptz not null
   )`,
  // Where a link's token leads (keyed hashes only): links carry no workspace, and the routes that
  // take them run before any workspace is known. No row-level security, by design.
  `create table privacy_token (
     token_hash text primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     request_id uuid not null references privacy_request (id) on delete cascade,
     purpose text not null check (purpose in ('verification', 'download')),
     created_at timestamptz not null
   )`,
  `create table privacy_policy_version (
     id uuid primary key,
     kind text not null check (kind in ('terms', 'privacy_policy')),
     version text not null,
     effective_at timestamptz not null,
     material boolean not null,
     summary text not null,
     url text null,
     published_at timestamptz not null,
     unique (kind, version)
   )`,
];

const TENANT_TABLES = [
  'privacy_request',
  'privacy_request_event',
  'privacy_restriction',
  'privacy_objection',
  'privacy_consent',
  'privacy_legal_hold',
  'privacy_suppression',
  'privacy_retention_policy',
  'privacy_retention_run',
];

export class Migration20261125140000_privacy extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
    // Append-only: the application role may add consents and trail rows, never change them.
    this.addSql('revoke update, delete on privacy_consent from novumdesk_app');
    this.addSql('revoke update, delete on privacy_request_event from novumdesk_app');
    // Policy versions are the instance's: readable by everyone, written by operators' routes.
    this.addSql('revoke update, delete on privacy_policy_version from novumdesk_app');
  }

  override down(): void {
    this.addSql(
      `drop table if exists privacy_token, privacy_workspace, privacy_policy_version, privacy_retention_run, privacy_retention_policy,
         privacy_suppression, privacy_legal_hold, privacy_consent, privacy_objection,
         privacy_restriction, privacy_request_event, privacy_request`,
    );
  }
}
