/** The members module's public surface. */
export { membersModule, AUDIT_RETENTION_JOB } from './members.module.js';
export { membersOptionsSchema, type MembersOptions, type MembersOptionsInput } from './options.js';
export { assignablePermissions } from './grants.js';
