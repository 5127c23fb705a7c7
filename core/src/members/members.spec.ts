/**
 * Members, invitations, roles, teams and profiles over HTTP, on the suite's database. One
 * helpdesk for the whole suite; each test creates the people it needs in a fresh workspace, so
 * the tests do not depend on each other's order.
 */
import { createHash } from 'node:crypto';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { startMembers, strongPassword, uniqueEmail, type MembersHarness } from './testkit.test.js';

// A plugin that brings its own permission: the catalog must know it, and owners may grant it.
const widgets = definePlugin({
  id: 'widget-test',
  version: '1.0.0',
  core: '*',
  permissions: ['widgets:read'],
});

describe('members module', () => {
  let h: MembersHarness;
  beforeAll(async () => {
    h = await startMembers({ plugins: [widgets] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  describe('members', () => {
    it('lists the members of the workspace with role and teams, and nobody else', async () => {
      const owner = await h.signUp();
      const agent = await h.addMember(owner, 'agent', 'agent');
      const other = await h.signUp('other');
      const team = await h.expectStatus(201, 'POST', '/teams', {
        token: owner.token,
        body: { name: 'Support' },
      });
      await h.expectStatus(200, 'PUT', `/teams/${team.body.id}/members`, {
        token: owner.token,
        body: { userIds: [agent.userId] },
      });

      const list = await h.expectStatus(200, 'GET', '/members', { token: agent.token });
      expect(list.body).toEqual([
        expect.objectContaining({
          userId: owner.userId,
          email: owner.email,
          role: expect.objectContaining({ key: 'owner' }),
          teams: [],
        }),
        expect.objectContaining({
          userId: agent.userId,
          role: expect.objectContaining({ key: 'agent' }),
          teams: [{ id: team.body.id, name: 'Support' }],
        }),
      ]);
      expect(JSON.stringify(list.body)).not.toContain(other.userId);
    });

    it('changes roles, guards owners and the last owner, and audits role changes', async () => {
      const owner = await h.signUp();
      const admin = await h.addMember(owner, 'admin', 'admin');
      const agent = await h.addMember(owner, 'agent', 'agent');
      const roles = {
        owner: await h.roleId(owner, 'owner'),
        admin: await h.roleId(owner, 'admin'),
      };

      // An admin cannot touch an owner, nor make anyone one.
      const demote = await h.call('PATCH', `/members/${owner.userId}`, {
        token: admin.token,
        body: { roleId: roles.admin },
      });
      expect([demote.status, demote.body.code]).toEqual([403, 'owner_protected']);
      const promote = await h.call('PATCH', `/members/${agent.userId}`, {
        token: admin.token,
        body: { roleId: roles.owner },
      });
      expect([promote.status, promote.body.code]).toEqual([403, 'permission_not_grantable']);
      // The last owner cannot step down.
      const self = await h.call('PATCH', `/members/${owner.userId}`, {
        token: owner.token,
        body: { roleId: roles.admin },
      });
      expect([self.status, self.body.code]).toEqual([409, 'last_owner']);
      // Unknown keys are refused (no mass assignment), so is another workspace's role.
      const extra = await h.call('PATCH', `/members/${agent.userId}`, {
        token: owner.token,
        body: { roleId: roles.admin, workspaceId: owner.workspaceId },
      });
      expect(extra.status).toBe(400);
      const foreign = await h.signUp('foreign');
      const foreignRole = await h.roleId(foreign, 'admin');
      const cross = await h.call('PATCH', `/members/${agent.userId}`, {
        token: owner.token,
        body: { roleId: foreignRole },
      });
      expect([cross.status, cross.body.code]).toEqual([422, 'unknown_role']);

      // The owner promotes the agent; the change is in effect on the agent's next request.
      expect((await h.call('GET', '/roles', { token: agent.token })).status).toBe(200);
      expect(
        (await h.call('POST', '/teams', { token: agent.token, body: { name: 'Nope' } })).status,
      ).toBe(403);
      const changed = await h.expectStatus(200, 'PATCH', `/members/${agent.userId}`, {
        token: owner.token,
        body: { roleId: roles.owner },
      });
      expect(changed.body.role.key).toBe('owner');
      expect(
        (await h.call('POST', '/teams', { token: agent.token, body: { name: 'Now allowed' } }))
          .status,
      ).toBe(201);
      // Two owners: one may now step down.
      await h.expectStatus(200, 'PATCH', `/members/${owner.userId}`, {
        token: owner.token,
        body: { roleId: roles.admin },
      });

      const audit = await h.expectStatus(200, 'GET', '/audit-events?action=role_changed', {
        token: agent.token,
      });
      expect(audit.body.data).toEqual([
        expect.objectContaining({
          action: 'role_changed',
          actorId: owner.userId,
          targetId: owner.userId,
          metadata: { fromRoleId: roles.owner, toRoleId: roles.admin },
        }),
        expect.objectContaining({
          targetId: agent.userId,
          metadata: expect.objectContaining({ toRoleId: roles.owner }),
        }),
      ]);
    });

    it('removes a member: their sessions here end, the last owner stays, and it is audited', async () => {
      const owner = await h.signUp();
      const admin = await h.addMember(owner, 'admin', 'admin');
      const agent = await h.addMember(owner, 'agent', 'agent');

      const last = await h.call('DELETE', `/members/${owner.userId}`, { token: owner.token });
      expect([last.status, last.body.code]).toEqual([409, 'last_owner']);
      const protectedOwner = await h.call('DELETE', `/members/${owner.userId}`, {
        token: admin.token,
      });
      expect([protectedOwner.status, protectedOwner.body.code]).toEqual([403, 'owner_protected']);

      expect((await h.call('GET', '/me', { token: agent.token })).status).toBe(200);
      await h.expectStatus(204, 'DELETE', `/members/${agent.userId}`, { token: admin.token });
      expect((await h.call('GET', '/me', { token: agent.token })).status).toBe(401);
      expect(
        (await h.call('POST', '/auth/refresh', { body: { refreshToken: agent.refreshToken } }))
          .status,
      ).toBe(401);
      const [session] = await h.sql(
        `select revoked_reason from auth_session where user_id = ? and workspace_id = ?`,
        [agent.userId, owner.workspaceId],
      );
      expect(session.revoked_reason).toBe('membership_removed');
      expect(
        (await h.call('DELETE', `/members/${agent.userId}`, { token: admin.token })).status,
      ).toBe(404);

      const audit = await h.expectStatus(200, 'GET', '/audit-events?action=member_removed', {
        token: owner.token,
      });
      expect(audit.body.data).toEqual([
        expect.objectContaining({
          actorId: admin.userId,
          targetId: agent.userId,
          metadata: expect.objectContaining({ revokedSessions: 1 }),
        }),
      ]);
    });
  });

  describe('invitations', () => {
    it('stores only a hash of the token, mails the link, and expires it after 7 days', async () => {
      const owner = await h.signUp();
      const email = uniqueEmail('invited');
      const created = await h.expectStatus(201, 'POST', '/invitations', {
        token: owner.token,
        body: { email: email.toUpperCase(), roleId: await h.roleId(owner, 'agent') },
      });
      expect(created.body).toMatchObject({
        email,
        status: 'pending',
        invitedBy: owner.userId,
        role: { key: 'agent' },
      });
      expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(
        7 * 24 * 3600 * 1000,
      );
      const token = await h.mailedToken(email, 'invitation');
      const [row] = await h.sql(`select token_hash from invitation where id = ?`, [
        created.body.id,
      ]);
      expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(created.body)).not.toContain(token);
      const mail = await h.lastMail(email, 'invitation');
      expect(mail?.workspace_id).toBe(owner.workspaceId);
      expect(mail?.text).toContain(`/admin/accept-invitation#token=${token}`);

      const list = await h.expectStatus(200, 'GET', '/invitations', { token: owner.token });
      expect(list.body.map((i: { id: string }) => i.id)).toEqual([created.body.id]);

      await h.sql(`update invitation set expires_at = now() - interval '1 second' where id = ?`, [
        created.body.id,
      ]);
      const expired = await h.call('POST', '/invitations/accept', {
        body: { token, password: strongPassword(), displayName: 'Late' },
      });
      expect([expired.status, expired.body.code]).toEqual([410, 'invitation_expired']);
      const listed = await h.expectStatus(200, 'GET', '/invitations', { token: owner.token });
      expect(listed.body[0].status).toBe('expired');
    });

    it('creates the account of a new address, once', async () => {
      const owner = await h.signUp();
      const { email, token } = await h.invite(owner, await h.roleId(owner, 'agent'));
      const missing = await h.call('POST', '/invitations/accept', { body: { token } });
      expect([missing.status, missing.body.code]).toEqual([400, 'validation_failed']);
      const password = strongPassword();
      const accepted = await h.expectStatus(200, 'POST', '/invitations/accept', {
        body: { token, password, displayName: 'New Agent' },
      });
      expect(accepted.body).toMatchObject({ workspaceId: owner.workspaceId, accountCreated: true });
      const again = await h.call('POST', '/invitations/accept', {
        body: { token, password, displayName: 'Twice' },
      });
      expect([again.status, again.body.code]).toEqual([410, 'invitation_used']);
      const unknown = await h.call('POST', '/invitations/accept', {
        body: { token: `${token}x`, password, displayName: 'X' },
      });
      expect([unknown.status, unknown.body.code]).toEqual([400, 'invitation_invalid']);

      const agent = await h.login(email, password);
      expect(agent.workspaceId).toBe(owner.workspaceId);
      const me = await h.expectStatus(200, 'GET', '/me', { token: agent.token });
      expect(me.body).toMatchObject({
        role: { key: 'agent' },
        user: { emailVerified: true, displayName: 'New Agent' },
      });
    });

    it('adds a workspace to an existing account only when that account is signed in', async () => {
      const owner = await h.signUp();
      const elsewhere = await h.signUp('elsewhere');
      const stranger = await h.signUp('stranger');
      const { token } = await h.invite(owner, await h.roleId(owner, 'agent'), elsewhere.email);

      const anonymous = await h.call('POST', '/invitations/accept', {
        body: { token, password: strongPassword(), displayName: 'Hijack' },
      });
      expect([anonymous.status, anonymous.body.code]).toEqual([409, 'sign_in_required']);
      const wrongPerson = await h.call('POST', '/invitations/accept', {
        token: stranger.token,
        body: { token },
      });
      expect([wrongPerson.status, wrongPerson.body.code]).toEqual([
        403,
        'invitation_email_mismatch',
      ]);
      // The password of the existing account was not touched by the anonymous attempt.
      await h.login(elsewhere.email, elsewhere.password);

      const accepted = await h.expectStatus(200, 'POST', '/invitations/accept', {
        token: elsewhere.token,
        body: { token },
      });
      expect(accepted.body).toEqual({
        workspaceId: owner.workspaceId,
        userId: elsewhere.userId,
        accountCreated: false,
      });
      const switched = await h.login(elsewhere.email, elsewhere.password, owner.workspaceId);
      const me = await h.expectStatus(200, 'GET', '/me', { token: switched.token });
      expect(me.body.workspaces.map((w: { id: string }) => w.id).sort()).toEqual(
        [owner.workspaceId, elsewhere.workspaceId].sort(),
      );
      const dup = await h.call('POST', '/invitations', {
        token: owner.token,
        body: { email: elsewhere.email, roleId: await h.roleId(owner, 'agent') },
      });
      expect([dup.status, dup.body.code]).toEqual([409, 'already_member']);
    });

    it('withdraws invitations, and refuses roles the inviter could not grant', async () => {
      const owner = await h.signUp();
      const admin = await h.addMember(owner, 'admin', 'admin');
      const first = await h.invite(owner, await h.roleId(owner, 'agent'));
      // Inviting the same address again withdraws the first link.
      const second = await h.invite(owner, await h.roleId(owner, 'agent'), first.email);
      const replaced = await h.call('POST', '/invitations/accept', {
        body: { token: first.token, password: strongPassword(), displayName: 'X' },
      });
      expect([replaced.status, replaced.body.code]).toEqual([410, 'invitation_revoked']);
      await h.expectStatus(204, 'DELETE', `/invitations/${second.id}`, { token: admin.token });
      const revoked = await h.call('POST', '/invitations/accept', {
        body: { token: second.token, password: strongPassword(), displayName: 'X' },
      });
      expect([revoked.status, revoked.body.code]).toEqual([410, 'invitation_revoked']);

      const asOwner = await h.call('POST', '/invitations', {
        token: admin.token,
        body: { email: uniqueEmail(), roleId: await h.roleId(owner, 'owner') },
      });
      expect([asOwner.status, asOwner.body.code]).toEqual([403, 'permission_not_grantable']);
      const audit = await h.expectStatus(200, 'GET', '/audit-events?action=invitation_revoked', {
        token: owner.token,
      });
      expect(audit.body.data).toHaveLength(1);
    });
  });
});
