/**
 * The Vite recipe for a plugin's admin panels: `definePanelBuild()` returns a Vite config that
 * builds the plugin's panel entries as ES modules (library mode) with every shared name
 * (`vue`, `pinia`, `vue-router`, `@novumdesk/admin-sdk`) left external, exactly the names the
 * host's import map serves. The browser then resolves them to the host's copies: one Vue in the
 * page, so `inject()`, Pinia stores and the router work inside panels.
 *
 *     // my-plugin/admin/vite.config.ts
 *     import { definePanelBuild } from '@novumdesk/admin-ui/vite';
 *     export default definePanelBuild({
 *       root: import.meta.dirname,
 *       entries: { panels: 'src/index.ts' },
 *       outDir: '../dist/admin',
 *     });
 *
 * The plugin then declares `admin: { assetsDir: <outDir>, panels: [{ entry: 'panels.js', … }] }`.
 */
import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import type { Plugin, UserConfig } from 'vite';
import { SHARED_NAMES } from './shared-deps.ts';

export interface PanelBuildOptions {
  /** The directory of the panel sources (absolute; usually `import.meta.dirname`). */
  root: string;
  /**
   * Output file name (without `.js`) → source file relative to `root`. Each becomes
   * `<outDir>/<name>.js`, the `entry` a panel declaration points at.
   */
  entries: Readonly<Record<string, string>>;
  /** Where the bundle goes, relative to `root` or absolute: the plugin's `admin.assetsDir`. */
  outDir: string;
  /** Minify (default true). Turn off to read the output while debugging. */
  minify?: boolean;
  /** More Vite plugins (after the Vue SFC plugin). */
  plugins?: Plugin[];
}

/**
 * Fails the build on what would break at run time: a shared name bundled (a second Vue breaks
 * `inject()`), or a stylesheet (the host loads only the panel's module, so a `<style>` block
 * would silently do nothing: use the host's classes and CSS variables, docs/admin-ui.md).
 */
function assertShared(): Plugin {
  return {
    name: 'novumdesk-panels-check',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'asset' && chunk.fileName.endsWith('.css')) {
          this.error(
            `${chunk.fileName}: panels cannot ship stylesheets (the host does not load them); use the admin UI's classes and CSS variables`,
          );
        }
        if (chunk.type !== 'chunk') continue;
        const bundled = Object.keys(chunk.modules).find((id) =>
          /[\\/]node_modules[\\/](vue|@vue[\\/]runtime-core|pinia|vue-router)[\\/]/.test(id),
        );
        if (bundled) {
          this.error(
            `${chunk.fileName} bundles ${bundled}: import it as a bare name so it stays external`,
          );
        }
      }
    },
  };
}

export function definePanelBuild(options: PanelBuildOptions): UserConfig {
  const root = path.resolve(options.root);
  const input = Object.fromEntries(
    Object.entries(options.entries).map(([name, file]) => [name, path.resolve(root, file)]),
  );
  if (Object.keys(input).length === 0) throw new Error('definePanelBuild: no entries');
  return {
    root,
    // A panel bundle has no index.html and no public/ folder.
    publicDir: false,
    // Vite replaces process.env.NODE_ENV in library mode only when told to.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    plugins: [vue(), ...(options.plugins ?? []), assertShared()],
    build: {
      outDir: path.resolve(root, options.outDir),
      emptyOutDir: true,
      target: 'es2022',
      minify: options.minify ?? true,
      // Inlined assets keep a panel one file (the host's CSP allows data: images).
      assetsInlineLimit: 100_000,
      lib: { entry: input, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: {
        external: (id) => SHARED_NAMES.some((name) => id === name || id.startsWith(`${name}/`)),
      },
    },
  };
}

export { SHARED_NAMES };
