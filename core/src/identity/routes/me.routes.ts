/** `GET /me`: who is calling, in which workspace, with which permissions. */
import { defineRoute, type RouteDefinition } from '../../http/route.js';
import { errors } from '../../kernel/errors.js';
import { inIdentityContext } from '../db.js';
import { MeSchema } from './schemas.js';

export function meRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      summary: 'The current user (or API key), workspace, role and permissions',
      tags: ['auth'],
      access: 'authenticated',
      // Lists the user's other workspaces too, which one workspace's transaction cannot see.
      tenancy: 'none',
      responses: { 200: { description: 'The caller', schema: MeSchema } },
      async handler({ scope, actor }) {
        const { identity } = scope.cradle;
        if (!actor?.workspaceId || (actor.kind !== 'user' && actor.kind !== 'apiKey')) {
          throw errors.forbidden();
        }
        const workspaceId = actor.workspaceId;
        const permissions = [...(actor.permissions ?? [])];
        if (actor.kind === 'apiKey') {
          const rows = await inIdentityContext(identity.orm, { workspaceId }, (sql) =>
            sql(
              `select k.id, k.name, k.prefix, w.name as workspace_name, w.slug
                 from api_key k join workspace w on w.id = k.workspace_id where k.id = ?`,
              [actor.id],
            ),
          );
          const key = rows[0];
          if (!key) throw errors.notFound('API key');
          const workspace = { id: workspaceId, name: key.workspace_name, slug: key.slug };
          return {
            kind: 'apiKey' as const,
            user: null,
            apiKey: { id: key.id, name: key.name, prefix: key.prefix },
            workspace,
            role: null,
            permissions,
            workspaces: [workspace],
          };
        }
        // One transaction for both reads: every round trip counts on the most frequent request.
        const { rows, workspaces } = await inIdentityContext(
          identity.orm,
          { workspaceId, userId: actor.id },
          async (sql) => ({
            rows: await sql(
              `select u.id, u.email, u.display_name, u.avatar_file, u.time_zone, u.language,
                    u.email_verified_at, u.created_at, w.name as workspace_name, w.slug,
                    r.id as role_id, r.key as role_key, r.name as role_name
               from user_account u
               join membership m on m.user_id = u.id and m.workspace_id = ?
               join workspace w on w.id = m.workspace_id
               join role r on r.id = m.role_id
              where u.id = ?`,
              [workspaceId, actor.id],
            ),
            workspaces: await identity.login.workspacesOf(actor.id, sql),
          }),
        );
        const me = rows[0];
        if (!me) throw errors.notFound('User');
        return {
          kind: 'user' as const,
          user: {
            id: me.id,
            email: me.email,
            displayName: me.display_name,
            avatarFile: me.avatar_file,
            timeZone: me.time_zone,
            language: me.language,
            emailVerified: me.email_verified_at !== null,
            createdAt: new Date(me.created_at).toISOString(),
          },
          apiKey: null,
          workspace: { id: workspaceId, name: me.workspace_name, slug: me.slug },
          role: { id: me.role_id, key: me.role_key, name: me.role_name },
          permissions,
          workspaces,
        };
      },
    }),
  ];
}
