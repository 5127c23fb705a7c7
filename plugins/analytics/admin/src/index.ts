/**
 * The analytics plugin's admin panels, loaded by the admin UI at run time: the Reports page
 * (`nav`) and the tickets-this-week widget (`dashboard.widgets`). The charts are a separate
 * chunk (`Chart.vue` with ECharts), fetched only when a chart renders.
 */
export { default as ReportsPage } from './ReportsPage.vue';
export { default as VolumeWidget } from './VolumeWidget.vue';
