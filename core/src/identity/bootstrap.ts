/**
 * First start: with no user yet, create the workspace "Demo" and its owner from `admin.email` /
 * `admin.password` (NOVUMDESK_ADMIN_EMAIL / NOVUMDESK_ADMIN_PASSWORD). Without a configured
 * password one is generated and printed once to stdout, where the operator starting the server
 * sees it; the log gets a line saying so, never the password (logs travel further than a
 * terminal). The owner role of this workspace also holds the instance's operator permissions.
 */
import { randomBytes } from 'node:crypto';
import { NovumError } from '../kernel/errors.js';
import { createWorkspaceWithOwner, normalizeEmail } from './accounts.js';
import { inIdentityContext } from './db.js';
import { assertPasswordAllowed, hashPassword } from './passwords.js';
import type { IdentityService } from './service.js';
import { markInstanceStarted } from './signup.js';

export const BOOTSTRAP_WORKSPACE = 'Demo';

export interface BootstrapResult {
  email: string;
  workspaceId: string;
  generatedPassword: boolean;
}

export async function bootstrapAdmin(
  identity: IdentityService,
  print: (line: string) => void = (line) => console.log(line),
): Promise<BootstrapResult | null> {
  const { config, orm, clock, logger } = identity;
  const email = normalizeEmail(config.admin.email);
  const configured = config.admin.password;
  const password = configured ?? randomBytes(18).toString('base64url');
  if (configured) {
    try {
      assertPasswordAllowed(configured, { email });
    } catch {
      throw new NovumError(
        'CONFIG_INVALID',
        'admin.password (NOVUMDESK_ADMIN_PASSWORD) is a common password; choose another',
      );
    }
  }
  const now = clock.now();
  const created = await inIdentityContext(orm, {}, async (sql, em) => {
    // Two nodes starting on an empty database at once: one creates, the other finds the row.
    await sql(`select pg_advisory_xact_lock(hashtext('novumdesk.identity.bootstrap'))`);
    if (!(await markInstanceStarted(sql, now))) return null;
    return createWorkspaceWithOwner(sql, em, clock, {
      workspaceName: BOOTSTRAP_WORKSPACE,
      owner: {
        email,
        passwordHash: await hashPassword(password),
        displayName: 'Administrator',
        emailVerified: true,
      },
      operator: true,
    });
  });
  if (!created) return null;
  await identity.audit.record({
    action: 'user_created',
    workspaceId: created.workspaceId,
    target: { type: 'user', id: created.userId },
    metadata: { via: 'bootstrap' },
  });
  if (configured) {
    logger.info(
      { workspaceId: created.workspaceId },
      `created workspace "${BOOTSTRAP_WORKSPACE}" and its owner (configured admin password)`,
    );
  } else {
    logger.warn(
      { workspaceId: created.workspaceId },
      `created workspace "${BOOTSTRAP_WORKSPACE}" and its owner with a generated password, printed once to stdout; change it after signing in`,
    );
    print(
      `\nNovumDesk first start: sign in as ${email} with the password\n\n    ${password}\n\n` +
        'It is shown only this once. Change it after signing in.\n',
    );
  }
  return { email, workspaceId: created.workspaceId, generatedPassword: !configured };
}
