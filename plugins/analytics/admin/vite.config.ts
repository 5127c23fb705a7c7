// Builds the analytics panels to ../dist/admin/ (docs/plugins.md, "Admin panels"): vue, pinia,
// vue-router and the admin SDK stay external. ECharts (tree-shaken: bar and line charts, canvas
// renderer) lands in its own chunk, imported only when a chart is on screen.
import { definePanelBuild } from '@novumdesk/admin-ui/vite';

export default definePanelBuild({
  root: import.meta.dirname,
  entries: { panels: 'src/index.ts' },
  outDir: '../dist/admin',
});
