/** Test utilities for the core and for plugin authors: `@novumdesk/core/testing`. */
export {
  createTestHelpdesk,
  TEST_SECRET,
  type TestHelpdesk,
  type TestHelpdeskOptions,
} from './test-helpdesk.js';
export {
  createTestDatabase,
  testDbKind,
  testPgAdminUrl,
  type TestDatabase,
  type TestDbKind,
} from './test-database.js';
export { eventually } from './eventually.js';
export type {
  MatrixAccess,
  MatrixClient,
  MatrixContribution,
  MatrixExpectation,
  MatrixFixtures,
  MatrixPerson,
  MatrixResponse,
  MatrixWorkspaceFixtures,
} from './authorization-matrix.js';
