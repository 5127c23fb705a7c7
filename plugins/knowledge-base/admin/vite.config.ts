// Builds the knowledge base's admin panels to ../dist/admin/panels.js (docs/plugins.md, "Admin
// panels"): vue, pinia, vue-router and the admin SDK stay external, shared with the host; the
// TipTap editor is bundled.
import path from 'node:path';
import { definePanelBuild } from '@novumdesk/admin-ui/vite';

const config = definePanelBuild({
  root: import.meta.dirname,
  entries: { panels: 'src/index.ts' },
  outDir: '../dist/admin',
});

// One TipTap core: the extensions (hoisted to the repository's node_modules) and the editor must
// share it, and this package's own node_modules holds an older copy (a dependency of
// @tiptap/vue-3, which the panels do not use).
const hoisted = (name: string) => path.resolve(import.meta.dirname, '../../../node_modules', name);
config.resolve = {
  ...config.resolve,
  alias: { '@tiptap/core': hoisted('@tiptap/core'), '@tiptap/pm': hoisted('@tiptap/pm') },
};

export default config;
