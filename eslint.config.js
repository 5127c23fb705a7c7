// ESLint flat config for the whole monorepo (ESLint 10 + typescript-eslint 8).
// Non-type-aware rules only: type-aware linting needs a full TS program per package and is too
// slow on the 2-core CI machine; `npm run typecheck` covers types.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node.js globals for plain .js/.mjs/.cjs files (scripts, configs, the bench). Kept inline so
// the config needs no extra dependency; a browser set belongs next to the admin UI's files.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Blob',
    'Buffer',
    'BroadcastChannel',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'crypto',
    'fetch',
    'FormData',
    'global',
    'Headers',
    'MessageChannel',
    'performance',
    'process',
    'queueMicrotask',
    'Request',
    'Response',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig([
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    '**/.novumdesk/',
    'admin-ui/dist/',
    'bench/.data/',
    '.nx/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // MikroORM's EntitySchema<any, any> and heterogeneous registries (jobs, hooks) need `any`
      // at their boundaries; flag it for review rather than fail the build.
      '@typescript-eslint/no-explicit-any': 'warn',
      // `_`-prefixed names are deliberately unused (interface-shaped callbacks, destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
]);
