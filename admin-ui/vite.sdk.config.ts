/**
 * Second build: the admin SDK as one ES module, `dist/shared/admin-sdk.js`, served at
 * `/admin/shared/admin-sdk.js` and mapped to `@novumdesk/admin-sdk` by the import map. Runs after
 * the app build (which empties dist/), so it must not empty the directory itself.
 */
import { defineConfig } from 'vite';
import { SDK_DIST_DIR, SDK_FILE, SDK_NAME, SHARED_NAMES } from './build/shared-deps.ts';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: `dist/${SDK_DIST_DIR}`,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    lib: { entry: 'src/sdk/index.ts', formats: ['es'], fileName: () => SDK_FILE },
    rolldownOptions: { external: SHARED_NAMES.filter((name) => name !== SDK_NAME) },
  },
});
