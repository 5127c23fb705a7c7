/**
 * The one list of modules shared between the host SPA and plugin panels (STACK.md, "Plugin
 * panels loaded at run time"). It drives three things that must agree or the page goes blank:
 *
 * 1. `external` in the Vite build (the host never bundles its own copy);
 * 2. the `<script type="importmap">` in index.html (bare `vue` → a URL);
 * 3. the server's routes: the build writes `dist/shared-deps.json`, which the core reads to know
 *    which file answers each URL under `/admin/shared/`.
 *
 * Package files get their version in the URL, so the server can cache them as immutable.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

export const BASE = '/admin/';
export const SHARED_URL = `${BASE}shared/`;
export const SDK_NAME = '@novumdesk/admin-sdk';
export const SDK_FILE = 'admin-sdk.js';
/** Where the SDK build writes, relative to dist/. */
export const SDK_DIST_DIR = 'shared';
export const MANIFEST_FILE = 'shared-deps.json';
/** Replaced per response by the server with the CSP nonce (the import map is an inline script). */
export const NONCE_PLACEHOLDER = '__NOVUMDESK_CSP_NONCE__';

type SharedDep =
  { name: string; package: string; file: string } | { name: typeof SDK_NAME; sdk: true };

/**
 * The `*.esm-browser.prod.js` builds: their only import is `vue` (the other builds also import
 * `@vue/devtools-api`, which the import map does not know). The runtime-only Vue suffices since
 * every template is compiled at build time.
 */
export const SHARED_DEPS: readonly SharedDep[] = [
  { name: 'vue', package: 'vue', file: 'dist/vue.runtime.esm-browser.prod.js' },
  { name: 'pinia', package: 'pinia', file: 'dist/pinia.esm-browser.prod.js' },
  { name: 'vue-router', package: 'vue-router', file: 'dist/vue-router.esm-browser.prod.js' },
  { name: SDK_NAME, sdk: true },
];

export const SHARED_NAMES: readonly string[] = SHARED_DEPS.map((dep) => dep.name);

/** What the server needs: the import map, and the source of each served file. */
export interface SharedManifest {
  imports: Record<string, string>;
  files: Record<string, { package: string; version: string; file: string } | { dist: string }>;
  noncePlaceholder: string;
}

export function sharedManifest(root: string): SharedManifest {
  const require = createRequire(path.join(root, 'package.json'));
  const manifest: SharedManifest = { imports: {}, files: {}, noncePlaceholder: NONCE_PLACEHOLDER };
  for (const dep of SHARED_DEPS) {
    if ('sdk' in dep) {
      manifest.imports[dep.name] = `${SHARED_URL}${SDK_FILE}`;
      manifest.files[SDK_FILE] = { dist: `${SDK_DIST_DIR}/${SDK_FILE}` };
      continue;
    }
    // package.json is exported by all three; their dist files are not always (pinia).
    const pkgJson = require.resolve(`${dep.package}/package.json`);
    const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
    const fileName = `${dep.package}-${version}.js`;
    manifest.imports[dep.name] = `${SHARED_URL}${fileName}`;
    manifest.files[fileName] = { package: dep.package, version, file: dep.file };
  }
  return manifest;
}

/** The Vite plugin that applies the list: external, import map, manifest, and dev serving. */
export function sharedDeps(): Plugin {
  let root = process.cwd();
  let serving = false;
  let manifest: SharedManifest | undefined;
  const getManifest = () => (manifest ??= sharedManifest(root));
  // In dev the SDK is served from source by Vite itself; the import map points there too.
  const devSdkUrl = () => `${BASE}src/sdk/index.ts`;
  const urlFor = (name: string) =>
    serving && name === SDK_NAME ? devSdkUrl() : getManifest().imports[name];

  return {
    name: 'novumdesk-shared-deps',
    // Before Vite's own resolver, which would otherwise hand `vue` to the dep optimizer.
    enforce: 'pre',
    config(_config, env) {
      serving = env.command === 'serve';
      return {
        build: { rolldownOptions: { external: [...SHARED_NAMES] } },
        // The optimizer would otherwise pre-bundle a private copy of vue for dev.
        optimizeDeps: { exclude: [...SHARED_NAMES] },
      };
    },
    configResolved(config) {
      root = config.root;
    },
    // Dev ignores `external` for bare names (it rewrites `vue` to `/@id/vue`); answering with the
    // import map's URL keeps the host and plugins on the same module.
    resolveId(id) {
      if (!serving || !SHARED_NAMES.includes(id)) return null;
      // The SDK source is a file Vite serves (at the import map's URL for it), not external.
      if (id === SDK_NAME) return path.join(root, 'src/sdk/index.ts');
      // Vite prefixes root-relative ids with `base`, so hand it the URL without it.
      return { id: urlFor(id)!.slice(BASE.length - 1), external: true };
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url?.split('?')[0] ?? '';
        if (!url.startsWith(SHARED_URL)) return next();
        const source = getManifest().files[url.slice(SHARED_URL.length)];
        if (!source || !('package' in source)) return next();
        const require = createRequire(path.join(root, 'package.json'));
        const dir = path.dirname(require.resolve(`${source.package}/package.json`));
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        createReadStream(path.join(dir, source.file)).pipe(res);
      });
    },
    transformIndexHtml() {
      const imports = Object.fromEntries(SHARED_NAMES.map((name) => [name, urlFor(name)]));
      return [
        {
          tag: 'script',
          attrs: { type: 'importmap', nonce: NONCE_PLACEHOLDER },
          children: JSON.stringify({ imports }),
          // An import map must come before any module script.
          injectTo: 'head-prepend',
        },
        // Fetch the shared modules in parallel with the entry instead of after parsing it.
        ...(serving
          ? []
          : Object.values(imports).map((href) => ({
              tag: 'link',
              attrs: { rel: 'modulepreload', href },
              injectTo: 'head' as const,
            }))),
      ];
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: MANIFEST_FILE,
        source: `${JSON.stringify(getManifest(), null, 2)}\n`,
      });
    },
  };
}
