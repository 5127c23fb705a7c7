/** Demo data for `novumdesk start --demo` (and embedders who want a filled workspace). */
export { seedDemo, type DemoOptions, type DemoResult } from './seed-demo.js';
