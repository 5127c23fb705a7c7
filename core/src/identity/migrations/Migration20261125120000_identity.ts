import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * The identity tables (workspaces, users, roles, memberships, teams, invitations, API keys,
 * sessions and tokens, audit events, stored mail, rate limits) and their row-level security.
 *
 * Every table with a `workspace_id` gets the tenant policy (`tenantTableSql`). Authentication
 * has to find rows before it knows the workspace, so some tables also get narrow extra policies
 * (PostgreSQL ORs permissive policies), each keyed by a transaction-local setting that names
 * exactly the rows a presented credential entitles the caller to (identity/db.ts):
 *   novumdesk.user_id          the user's own row, memberships, sessions and tokens
 *   novumdesk.credential_hash  the API key / refresh / action token / invitation with that hash
 *   novumdesk.login_email      the user with that address (sign-in, sign-up)
 * `user_account` is not a tenant table (a user spans workspaces) but is FORCE-RLS too: a
 * workspace sees only its members' rows, so a tenant query that forgot a join cannot list every
 * user of the instance.
 *
 * SQL is written out (no `?` anywhere: the migrator sends it through knex, which would read one
 * as a binding). Works on PostgreSQL 15 and PGlite (PostgreSQL 17).
 */
const USER = `nullif(current_setting('novumdesk.user_id', true), '')::uuid`;
const WORKSPACE = `nullif(current_setting('novumdesk.workspace_id', true), '')::uuid`;
const CREDENTIAL = `nullif(current_setting('novumdesk.credential_hash', true), '')`;
const LOGIN_EMAIL = `nullif(current_setting('novumdesk.login_email', true), '')`;

const TENANT_TABLES = [
  'role',
  'membership',
  'team',
  'team_member',
  'invitation',
  'api_key',
  'auth_session',
  'refresh_token',
  'audit_event',
];

export class Migration20261125120000_identity extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const sql of tenantTableSql('workspace', 'id')) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
    for (const sql of POLICIES) this.addSql(sql);
  }

  override down(): void {
    this.addSql(
      `drop table if exists identity_instance, identity_rate_limit, mail_message, audit_event,
         action_token, refresh_token, auth_session, api_key, invitation, team_member, team,
         membership, role, user_account, workspace cascade`,
    );
  }
}

const TABLES = [
  `create table workspace (
     id uuid primary key,
     name text not null,
     slug text not null unique,
     created_at timestamptz not null
   )`,
  `create table user_account (
     id uuid primary key,
     email text not null check (email = lower(email)),
     password_hash text not null,
     display_name text not null,
     avatar_file text null,
     time_zone text not null default 'UTC',
     language text not null default 'en',
     email_verified_at timestamptz null,
     disabled_at timestamptz null,
     password_changed_at timestamptz not null,
     terms_version text null,
     terms_accepted_at timestamptz null,
     age_attested_at timestamptz null,
     age_attestation text null,
     created_at timestamptz not null
   )`,
  `create unique index user_account_email_key on user_account (lower(email))`,
  `create table role (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     key text null,
     name text not null,
     description text null,
     permissions text[] not null default '{}',
     builtin boolean not null default false,
     created_at timestamptz not null,
     unique (id, workspace_id)
   )`,
  `create unique index role_workspace_key on role (workspace_id, key) where key is not null`,
  `create unique index role_workspace_name on role (workspace_id, lower(name))`,
  // The composite keys below make a row pointing at another workspace's role, team or member
  // impossible, whatever the code that writes it.
  `create table membership (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     user_id uuid not null references user_account (id) on delete cascade,
     role_id uuid not null,
     created_at timestamptz not null,
     unique (workspace_id, user_id),
     foreign key (role_id, workspace_id) references role (id, workspace_id)
   )`,
  `create index membership_user_idx on membership (user_id, created_at)`,
  `create index membership_role_idx on membership (role_id)`,
  `create table team (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     name text not null,
     description text null,
     created_at timestamptz not null,
     unique (id, workspace_id)
   )`,
  `create unique index team_workspace_name on team (workspace_id, lower(name))`,
  `create table team_member (
     team_id uuid not null,
     user_id uuid not null,
     workspace_id uuid not null,
     created_at timestamptz not null,
     primary key (team_id, user_id),
     foreign key (team_id, workspace_id) references team (id, workspace_id) on delete cascade,
     foreign key (workspace_id, user_id) references membership (workspace_id, user_id) on delete cascade
   )`,
  `create index team_member_member_idx on team_member (workspace_id, user_id)`,
  `create table invitation (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     email text not null,
     role_id uuid not null,
     token_hash text not null unique,
     expires_at timestamptz not null,
     accepted_at timestamptz null,
     revoked_at timestamptz null,
     invited_by uuid null references user_account (id) on delete set null,
     created_at timestamptz not null,
     foreign key (role_id, workspace_id) references role (id, workspace_id) on delete cascade
   )`,
  `create index invitation_workspace_idx on invitation (workspace_id, created_at)`,
  `create table api_key (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     name text not null,
     prefix text not null unique,
     key_hash text not null unique,
     permissions text[] not null default '{}',
     created_by uuid null references user_account (id) on delete set null,
     created_at timestamptz not null,
     last_used_at timestamptz null,
     revoked_at timestamptz null,
     expires_at timestamptz null
   )`,
  `create index api_key_workspace_idx on api_key (workspace_id, created_at)`,
  `create table auth_session (
     id uuid primary key,
     user_id uuid not null references user_account (id) on delete cascade,
     workspace_id uuid not null references workspace (id) on delete cascade,
     kind text not null check (kind in ('token', 'cookie')),
     created_at timestamptz not null,
     expires_at timestamptz not null,
     last_used_at timestamptz not null,
     revoked_at timestamptz null,
     revoked_reason text null,
     ip text null,
     user_agent text null
   )`,
  `create index auth_session_user_idx on auth_session (user_id, created_at)`,
  `create index auth_session_workspace_idx on auth_session (workspace_id)`,
  `create index auth_session_expires_idx on auth_session (expires_at)`,
  `create table refresh_token (
     id uuid primary key,
     family_id uuid not null references auth_session (id) on delete cascade,
     user_id uuid not null references user_account (id) on delete cascade,
     workspace_id uuid not null references workspace (id) on delete cascade,
     token_hash text not null unique,
     parent_id uuid null,
     issued_at timestamptz not null,
     expires_at timestamptz not null,
     used_at timestamptz null,
     revoked_at timestamptz null
   )`,
  `create index refresh_token_family_idx on refresh_token (family_id)`,
  `create index refresh_token_user_idx on refresh_token (user_id) where revoked_at is null`,
  `create index refresh_token_workspace_idx on refresh_token (workspace_id)`,
  `create table action_token (
     id uuid primary key,
     purpose text not null check (purpose in ('verify_email', 'reset_password')),
     user_id uuid not null references user_account (id) on delete cascade,
     email text not null,
     token_hash text not null unique,
     created_at timestamptz not null,
     expires_at timestamptz not null,
     used_at timestamptz null
   )`,
  `create index action_token_user_idx on action_token (user_id, purpose)`,
  // No foreign keys: security events outlive what they are about, on their own retention.
  `create table audit_event (
     id uuid primary key,
     workspace_id uuid null,
     actor_kind text null,
     actor_id text null,
     action text not null,
     target_type text null,
     target_id text null,
     ip text null,
     user_agent text null,
     metadata jsonb not null default '{}',
     occurred_at timestamptz not null
   )`,
  `create index audit_event_workspace_idx on audit_event (workspace_id, occurred_at desc)`,
  `create index audit_event_occurred_idx on audit_event (occurred_at)`,
  `create table mail_message (
     id uuid primary key,
     workspace_id uuid null,
     to_address text not null,
     subject text not null,
     text text not null,
     html text null,
     kind text not null,
     status text not null,
     created_at timestamptz not null
   )`,
  `create index mail_message_created_idx on mail_message (created_at)`,
  `create index mail_message_to_idx on mail_message (to_address)`,
  `create table identity_rate_limit (
     key text not null,
     window_start timestamptz not null,
     count integer not null default 0,
     primary key (key, window_start)
   )`,
  `create index identity_rate_limit_window_idx on identity_rate_limit (window_start)`,
  // One row once the instance has its first user (bootstrap or sign-up): the first-start
  // bootstrap runs only while it is absent, without having to count users across RLS.
  `create table identity_instance (
     id boolean primary key default true check (id),
     started_at timestamptz not null
   )`,
];

const POLICIES = [
  `alter table user_account enable row level security`,
  `alter table user_account force row level security`,
  `create policy identity_self on user_account for all using (id = ${USER}) with check (id = ${USER})`,
  `create policy identity_member on user_account for select using (exists (
     select 1 from membership m where m.user_id = user_account.id and m.workspace_id = ${WORKSPACE}))`,
  `create policy identity_login on user_account for select using (email = ${LOGIN_EMAIL})`,
  `create policy identity_self on membership for select using (user_id = ${USER})`,
  `create policy identity_member on workspace for select using (exists (
     select 1 from membership m where m.workspace_id = workspace.id and m.user_id = ${USER}))`,
  `create policy identity_self on auth_session for all using (user_id = ${USER}) with check (user_id = ${USER})`,
  `create policy identity_self on refresh_token for all using (user_id = ${USER}) with check (user_id = ${USER})`,
  `create policy identity_credential on refresh_token for select using (token_hash = ${CREDENTIAL})`,
  `create policy identity_credential on api_key for select using (key_hash = ${CREDENTIAL})`,
  `create policy identity_credential on invitation for select using (token_hash = ${CREDENTIAL})`,
  `alter table action_token enable row level security`,
  `alter table action_token force row level security`,
  `create policy identity_self on action_token for all using (user_id = ${USER}) with check (user_id = ${USER})`,
  `create policy identity_credential on action_token for select using (token_hash = ${CREDENTIAL})`,
  // The hourly sweep deletes long-dead tokens across users as the application role, with no
  // WHERE clause: these DELETE-only policies are the filter (a WHERE would also need SELECT
  // policies, which these rows deliberately lack). See identity.module.ts.
  `create policy identity_sweep on refresh_token for delete using (
     expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day')`,
  `create policy identity_sweep on action_token for delete using (expires_at < now() - interval '1 day')`,
  // Instance-level security events (a failed sign-in for an unknown address) have no workspace;
  // anyone may append one, no tenant may read them.
  `create policy identity_instance_insert on audit_event for insert with check (workspace_id is null)`,
];
