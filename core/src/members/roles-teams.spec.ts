/**
 * Roles, teams and profiles over HTTP, on the suite's database (members and invitations are in
 * members.spec.ts). One helpdesk for the suite; each test works in a fresh workspace.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { startMembers, type MembersHarness, type Person } from './testkit.test.js';

// A plugin that brings its own permission: the catalog must know it, and owners may grant it.
const widgets = definePlugin({
  id: 'widget-test',
  version: '1.0.0',
  core: '*',
  permissions: ['widgets:read'],
});

describe('members module: roles, teams, profile', () => {
  let h: MembersHarness;
  beforeAll(async () => {
    h = await startMembers({ plugins: [widgets] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  describe('roles', () => {
    let owner: Person;
    beforeAll(async () => {
      owner = await h.signUp();
    });

    it('lists the built-in roles and every known permission, plugins’ included', async () => {
      const roles = await h.expectStatus(200, 'GET', '/roles', { token: owner.token });
      expect(roles.body.map((r: { key: string }) => r.key)).toEqual([
        'owner',
        'admin',
        'agent',
        'read_only',
      ]);
      expect(roles.body[0]).toMatchObject({ builtin: true, memberCount: 1 });
      const permissions = await h.expectStatus(200, 'GET', '/permissions', { token: owner.token });
      expect(permissions.body).toEqual(
        expect.arrayContaining([
          { permission: 'widgets:read', declaredBy: 'widget-test', assignable: true },
          { permission: 'members:manage', declaredBy: 'identity', assignable: true },
          { permission: 'workspace:own', declaredBy: 'identity', assignable: false },
          { permission: 'system:manage', declaredBy: 'core', assignable: false },
        ]),
      );
    });

    it('creates custom roles from known, assignable permissions only', async () => {
      const create = (body: unknown, token = owner.token) =>
        h.call('POST', '/roles', { token, body });
      const unknown = await create({ name: 'Typo', permissions: ['tickets:raed'] });
      expect([unknown.status, unknown.body.code, unknown.body.details.permissions]).toEqual([
        422,
        'unknown_permission',
        ['tickets:raed'],
      ]);
      for (const reserved of ['system:manage', 'workspace:own']) {
        const res = await create({ name: 'Reserved', permissions: [reserved] });
        expect([res.status, res.body.code]).toEqual([422, 'permission_not_assignable']);
      }
      const role = await create({
        name: 'Widget Lead',
        description: 'Widgets',
        permissions: ['widgets:read', 'members:read', 'members:read'],
      });
      expect(role.status).toBe(201);
      expect(role.body).toMatchObject({
        name: 'Widget Lead',
        builtin: false,
        key: null,
        permissions: ['members:read', 'widgets:read'],
      });
      const dup = await create({ name: 'widget lead', permissions: [] });
      expect([dup.status, dup.body.code]).toEqual([409, 'role_name_taken']);
    });

    it('lets nobody but an owner grant a permission they lack', async () => {
      const supervisorRole = await h.expectStatus(201, 'POST', '/roles', {
        token: owner.token,
        body: {
          name: 'Supervisor',
          permissions: ['members:read', 'members:manage', 'roles:manage'],
        },
      });
      const supervisor = await h.addMember(owner, supervisorRole.body.id, 'supervisor');
      const escalate = await h.call('POST', '/roles', {
        token: supervisor.token,
        body: { name: 'Escalated', permissions: ['members:read', 'settings:manage'] },
      });
      expect([escalate.status, escalate.body.code, escalate.body.details.permissions]).toEqual([
        403,
        'permission_not_grantable',
        ['settings:manage'],
      ]);
      const widened = await h.call('PATCH', `/roles/${supervisorRole.body.id}`, {
        token: supervisor.token,
        body: { permissions: ['members:read', 'members:manage', 'roles:manage', 'audit:read'] },
      });
      expect([widened.status, widened.body.code]).toEqual([403, 'permission_not_grantable']);
      const toAdmin = await h.call('PATCH', `/members/${supervisor.userId}`, {
        token: supervisor.token,
        body: { roleId: await h.roleId(owner, 'admin') },
      });
      expect([toAdmin.status, toAdmin.body.code]).toEqual([403, 'permission_not_grantable']);
    });

    it('edits custom roles but never built-in ones, and deletes only unused ones', async () => {
      const builtin = await h.roleId(owner, 'agent');
      const edit = await h.call('PATCH', `/roles/${builtin}`, {
        token: owner.token,
        body: { name: 'Renamed' },
      });
      expect([edit.status, edit.body.code]).toEqual([409, 'role_builtin']);
      const del = await h.call('DELETE', `/roles/${builtin}`, { token: owner.token });
      expect([del.status, del.body.code]).toEqual([409, 'role_builtin']);

      const role = await h.expectStatus(201, 'POST', '/roles', {
        token: owner.token,
        body: { name: 'Triage', permissions: ['tickets:read'] },
      });
      const updated = await h.expectStatus(200, 'PATCH', `/roles/${role.body.id}`, {
        token: owner.token,
        body: {
          name: 'Triage team',
          permissions: ['tickets:read', 'tickets:write', 'members:read'],
        },
      });
      expect(updated.body).toMatchObject({
        name: 'Triage team',
        permissions: ['members:read', 'tickets:read', 'tickets:write'],
      });
      const member = await h.addMember(owner, role.body.id, 'triage');
      const inUse = await h.call('DELETE', `/roles/${role.body.id}`, { token: owner.token });
      expect([inUse.status, inUse.body.code, inUse.body.details]).toEqual([
        409,
        'role_in_use',
        { members: 1, invitations: 0 },
      ]);
      await h.expectStatus(200, 'PATCH', `/members/${member.userId}`, {
        token: owner.token,
        body: { roleId: await h.roleId(owner, 'agent') },
      });
      await h.expectStatus(204, 'DELETE', `/roles/${role.body.id}`, { token: owner.token });
      expect(
        (await h.call('DELETE', `/roles/${role.body.id}`, { token: owner.token })).status,
      ).toBe(404);
      const audit = await h.expectStatus(200, 'GET', '/audit-events?action=role_updated', {
        token: owner.token,
      });
      expect(audit.body.data[0]).toMatchObject({
        targetId: role.body.id,
        metadata: { added: ['members:read', 'tickets:write'], removed: [], renamed: true },
      });
    });
  });

  describe('teams', () => {
    it('creates, renames, staffs and deletes teams with members of the workspace only', async () => {
      const owner = await h.signUp();
      const agent = await h.addMember(owner, 'agent', 'agent');
      const outsider = await h.signUp('outsider');
      const team = await h.expectStatus(201, 'POST', '/teams', {
        token: owner.token,
        body: { name: 'Billing', description: 'Invoices' },
      });
      const dup = await h.call('POST', '/teams', { token: owner.token, body: { name: 'billing' } });
      expect([dup.status, dup.body.code]).toEqual([409, 'team_name_taken']);

      const stranger = await h.call('PUT', `/teams/${team.body.id}/members`, {
        token: owner.token,
        body: { userIds: [agent.userId, outsider.userId] },
      });
      expect([stranger.status, stranger.body.code, stranger.body.details.userIds]).toEqual([
        422,
        'not_a_member',
        [outsider.userId],
      ]);
      const staffed = await h.expectStatus(200, 'PUT', `/teams/${team.body.id}/members`, {
        token: owner.token,
        body: { userIds: [agent.userId, owner.userId] },
      });
      expect(staffed.body.memberIds.sort()).toEqual([agent.userId, owner.userId].sort());
      const trimmed = await h.expectStatus(200, 'PUT', `/teams/${team.body.id}/members`, {
        token: owner.token,
        body: { userIds: [owner.userId] },
      });
      expect(trimmed.body.memberIds).toEqual([owner.userId]);

      const renamed = await h.expectStatus(200, 'PATCH', `/teams/${team.body.id}`, {
        token: owner.token,
        body: { name: 'Billing & Plans', description: null },
      });
      expect(renamed.body).toMatchObject({ name: 'Billing & Plans', description: null });
      const listed = await h.expectStatus(200, 'GET', '/teams', { token: agent.token });
      expect(listed.body).toEqual([
        expect.objectContaining({ id: team.body.id, memberIds: [owner.userId] }),
      ]);

      await h.expectStatus(204, 'DELETE', `/teams/${team.body.id}`, { token: owner.token });
      expect((await h.expectStatus(200, 'GET', '/teams', { token: owner.token })).body).toEqual([]);
      const seats = await h.sql(`select 1 from team_member where team_id = ?`, [team.body.id]);
      expect(seats).toEqual([]);
    });
  });

  describe('profile', () => {
    it('edits your own name, time zone and language, validated and canonicalised', async () => {
      const owner = await h.signUp();
      const updated = await h.expectStatus(200, 'PATCH', '/me', {
        token: owner.token,
        body: { displayName: '  Ada  ', timeZone: 'US/Pacific', language: 'de-ch' },
      });
      expect(updated.body).toEqual({
        id: owner.userId,
        email: owner.email,
        displayName: 'Ada',
        timeZone: 'America/Los_Angeles',
        language: 'de-CH',
      });
      const bad = await h.call('PATCH', '/me', {
        token: owner.token,
        body: { timeZone: 'Mars/Olympus', language: 'en_US' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'body.timeZone',
        'body.language',
      ]);
      const offset = await h.call('PATCH', '/me', {
        token: owner.token,
        body: { timeZone: '+01:00' },
      });
      expect(offset.status).toBe(400);
      const sneaky = await h.call('PATCH', '/me', {
        token: owner.token,
        body: { email: 'x@example.test' },
      });
      expect(sneaky.status).toBe(400);
      const me = await h.expectStatus(200, 'GET', '/me', { token: owner.token });
      expect(me.body.user).toMatchObject({
        displayName: 'Ada',
        timeZone: 'America/Los_Angeles',
        language: 'de-CH',
        email: owner.email,
      });

      const key = await h.expectStatus(201, 'POST', '/api-keys', {
        token: owner.token,
        body: { name: 'ci', permissions: ['members:read'] },
      });
      const asKey = await h.call('PATCH', '/me', {
        token: key.body.key,
        body: { displayName: 'Robot' },
      });
      expect([asKey.status, asKey.body.code]).toEqual([403, 'users_only']);
    });
  });
});
