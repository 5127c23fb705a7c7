/** The SQL helpers and small guards of tenancy, without a database. */
import {
  APP_ROLE,
  NO_WORKSPACE,
  assertWorkspaceId,
  jobWorkspaceId,
  tenantTableDownSql,
  tenantTableSql,
} from './index.js';

const current = "nullif(current_setting('novumdesk.workspace_id', true), '')::uuid";

describe('tenantTableSql', () => {
  it('enables and forces RLS, adds one policy for all commands, and grants the app role', () => {
    expect(tenantTableSql('ticket')).toEqual([
      'alter table "ticket" enable row level security',
      'alter table "ticket" force row level security',
      'drop policy if exists workspace_isolation on "ticket"',
      'create policy workspace_isolation on "ticket" for all ' +
        `using ("workspace_id" = ${current}) with check ("workspace_id" = ${current})`,
      `grant select, insert, update, delete on "ticket" to ${APP_ROLE}`,
    ]);
  });

  it('takes another column and a schema-qualified table', () => {
    const [, , , policy] = tenantTableSql('crm.contact', 'tenant_id');
    expect(policy).toContain('on "crm"."contact"');
    expect(policy).toContain(`using ("tenant_id" = ${current})`);
  });

  it('refuses anything but plain lower-case identifiers', () => {
    for (const bad of ['ticket; drop table x', 'Ticket', '"ticket"', 'a.b.c', '', '1ticket']) {
      expect(() => tenantTableSql(bad)).toThrow(/identifier|dots/);
    }
    expect(() => tenantTableSql('ticket', 'workspace_id) or (true')).toThrow(/identifier/);
  });

  it('has a reverse for down migrations', () => {
    expect(tenantTableDownSql('ticket')).toEqual([
      'drop policy if exists workspace_isolation on "ticket"',
      'alter table "ticket" no force row level security',
      'alter table "ticket" disable row level security',
      `revoke select, insert, update, delete on "ticket" from ${APP_ROLE}`,
    ]);
  });
});

describe('workspace ids', () => {
  it('accepts UUIDs and refuses the nil sentinel and anything else', () => {
    expect(() => assertWorkspaceId('0190f6a2-5b1c-7d3e-8f40-123456789abc')).not.toThrow();
    for (const bad of [NO_WORKSPACE, 'abc', "x', true); reset role; --", 42, null, undefined]) {
      expect(() => assertWorkspaceId(bad)).toThrow('workspace id must be a non-nil UUID');
    }
  });

  it('reads a job’s workspace from its payload or envelope', () => {
    expect(jobWorkspaceId({ workspaceId: 'w' })).toBe('w');
    expect(jobWorkspaceId({ workspaceId: null })).toBeNull();
    expect(jobWorkspaceId({})).toBeNull();
    expect(jobWorkspaceId(null)).toBeNull();
    // Present but not a string: passed on, so withWorkspace fails the job instead of running it
    // without a workspace.
    expect(jobWorkspaceId({ workspaceId: 7 })).toBe(7);
  });
});
