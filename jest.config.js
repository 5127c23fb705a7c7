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
  },
  testMatch: ['<rootDir>/{core,plugins,examples}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
