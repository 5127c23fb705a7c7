// Builds the knowledge base's admin panels to ../dist/admin/panels.js (docs/plugins.md, "Admin
// panels"): vue, pinia, vue-router and the admin SDK stay external, shared with the host; the
// TipTap editor is bundled.
import { definePanelBuild } from '@novumdesk/admin-ui/vite';

export default definePanelBuild({
  root: import.meta.dirname,
  entries: { panels: 'src/index.ts' },
  outDir: '../dist/admin',
});
