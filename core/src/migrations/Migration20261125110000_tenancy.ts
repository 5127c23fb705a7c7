import { Migration } from '@mikro-orm/migrations';

/**
 * The application role that workspace transactions switch to (`SET LOCAL ROLE novumdesk_app`,
 * tenancy/with-workspace.ts) so row-level security applies: superusers bypass it even with
 * FORCE, and the CI's `postgres` and PGlite's user are superusers. Tenant tables add their
 * policies and grants with `tenantTableSql()`.
 *
 * The SQL is written out here rather than built by a helper: a migration must keep meaning what
 * it meant when it was applied. It works on PostgreSQL 15 (server) and PGlite (PostgreSQL 17).
 * No `?` anywhere: the migrator sends these through knex, which would read one as a binding.
 */
export class Migration20261125110000_tenancy extends Migration {
  override up(): void {
    // Roles are cluster-wide: another database on the same server (a parallel test suite, a
    // second installation) may have created it already, or be creating it right now — hence
    // the existence check *and* the duplicate handler. NOLOGIN: nobody connects as it.
    this.addSql(`
      do $$
      begin
        if not exists (select from pg_roles where rolname = 'novumdesk_app') then
          begin
            create role novumdesk_app nologin;
          exception when duplicate_object or unique_violation then
            null;
          end;
        end if;
      end
      $$`);
    // A non-superuser login role may only SET ROLE to a role it is a member of (with the SET
    // option on PostgreSQL 16+). Superusers may switch to any role, so they need no grant.
    this.addSql(`
      do $$
      declare
        is_super boolean := (select rolsuper from pg_roles where rolname = current_user);
        pg16 boolean := current_setting('server_version_num')::int >= 160000;
      begin
        if is_super then
          return;
        end if;
        if pg16 then
          if not pg_has_role(current_user, 'novumdesk_app', 'SET') then
            execute format('grant novumdesk_app to %I with set true', current_user);
          end if;
        elsif not pg_has_role(current_user, 'novumdesk_app', 'MEMBER') then
          execute format('grant novumdesk_app to %I', current_user);
        end if;
      exception when insufficient_privilege then
        raise exception 'cannot grant role novumdesk_app to %', current_user
          using hint = format('As a superuser run: GRANT novumdesk_app TO %I;', current_user);
      end
      $$`);

    this.addSql('grant usage on schema public to novumdesk_app');
    this.addSql(
      'grant select, insert, update, delete on all tables in schema public to novumdesk_app',
    );
    this.addSql('grant usage, select on all sequences in schema public to novumdesk_app');
    // The migration history is the migrator's (login role) business alone.
    this.addSql('revoke all on table novumdesk_migrations from novumdesk_app');

    // Tables, sequences and schemas this (migrating) role creates later, in any schema: the
    // later migrations' tables, and pg-boss's schema, which it creates on its first start.
    // pg-boss's tables matter because `jobs.send(…, { em })` inside a workspace transaction
    // runs its INSERT as novumdesk_app, on the transaction's connection.
    this.addSql(
      'alter default privileges grant select, insert, update, delete on tables to novumdesk_app',
    );
    this.addSql('alter default privileges grant usage, select on sequences to novumdesk_app');
    this.addSql('alter default privileges grant usage on schemas to novumdesk_app');
    // A database where pg-boss already ran before this migration.
    this.addSql(`
      do $$
      begin
        if exists (select from pg_namespace where nspname = 'pgboss') then
          grant usage on schema pgboss to novumdesk_app;
          grant select, insert, update, delete on all tables in schema pgboss to novumdesk_app;
          grant usage, select on all sequences in schema pgboss to novumdesk_app;
        end if;
      end
      $$`);
  }

  /** Revokes this database's grants; the role stays, since other databases may use it. */
  override down(): void {
    this.addSql(
      'alter default privileges revoke select, insert, update, delete on tables from novumdesk_app',
    );
    this.addSql('alter default privileges revoke usage, select on sequences from novumdesk_app');
    this.addSql('alter default privileges revoke usage on schemas from novumdesk_app');
    this.addSql(`
      do $$
      begin
        if exists (select from pg_namespace where nspname = 'pgboss') then
          revoke all on all tables in schema pgboss from novumdesk_app;
          revoke all on all sequences in schema pgboss from novumdesk_app;
          revoke usage on schema pgboss from novumdesk_app;
        end if;
      end
      $$`);
    this.addSql('revoke all on all tables in schema public from novumdesk_app');
    this.addSql('revoke all on all sequences in schema public from novumdesk_app');
    this.addSql('revoke usage on schema public from novumdesk_app');
  }
}
