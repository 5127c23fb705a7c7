// One jest run covers every workspace package. `scripts/test.mjs` runs it once per database
// mode (NOVUMDESK_TEST_DB=pglite, then postgres when reachable).
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
    module: { type: 'es6' },
  },
];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Examples and plugins import the core by its package name; run its sources, not dist/.
    '^@novumdesk/core$': '<rootDir>/core/src/index.ts',
    '^@novumdesk/core/testing$': '<rootDir>/core/src/testing/index.ts',
    // Admin UI stores and composables import the SDK by the name the import map serves.
    '^@novumdesk/admin-sdk$': '<rootDir>/admin-ui/src/sdk/index.ts',
    // sanitize-html (CommonJS) requires htmlparser2 12, which is ESM only: Node 20 loads it
    // (require(esm)), jest 30 cannot before Node 24.9. Under jest only, the CommonJS build of
    // htmlparser2 10 (same Parser API) that the tree already holds stands in for it.
    '^htmlparser2$':
      '<rootDir>/node_modules/html-to-text/node_modules/htmlparser2/dist/commonjs/index.js',
  },
  testMatch: [
    '<rootDir>/{core,plugins,examples}/**/*.spec.ts',
    '<rootDir>/admin-ui/{e2e,tests}/*.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
