import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { BASE, sharedDeps } from './build/shared-deps.ts';

// The API server the dev server forwards to (`npm start` at the root listens on 3000).
const apiTarget = process.env.NOVUMDESK_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: BASE,
  plugins: [vue(), sharedDeps()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The inline import map needs a CSP nonce; keep Vite from inlining anything else.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': apiTarget,
      '/healthz': apiTarget,
      '/readyz': apiTarget,
      '/admin/plugins': apiTarget,
    },
  },
});
