/**
 * The names tenancy is built on, shared by the migration, the policies and the per-transaction
 * set-up, so the three can never disagree on a spelling.
 */
import { NovumError } from '../kernel/errors.js';

/**
 * The role every workspace transaction switches to (`SET LOCAL ROLE`). It must not be a
 * superuser and must not have BYPASSRLS: superusers bypass row-level security even with FORCE,
 * and both CI's `postgres` and PGlite's default user are superusers.
 */
export const APP_ROLE = 'novumdesk_app';

/** The setting the RLS policies read; only ever set transaction-locally (`set_config(…, true)`). */
export const WORKSPACE_SETTING = 'novumdesk.workspace_id';

/**
 * The workspace filter's parameter in scopes without a workspace: the nil UUID. No workspace
 * may have it (`assertWorkspaceId` refuses it), so a filtered query then matches nothing instead
 * of every workspace's rows.
 */
export const NO_WORKSPACE = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Workspace ids reach SQL settings and casts: anything but a real UUID is a bug upstream (a
 * malformed token claim, a job payload built by hand), so it fails here rather than in a cast.
 */
export function assertWorkspaceId(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !UUID.test(value) || value === NO_WORKSPACE) {
    throw new NovumError('TENANCY_INVALID_WORKSPACE', 'workspace id must be a non-nil UUID');
  }
}
