/** The core's modules for the suites, from source (as jest maps `@novumdesk/core`). */
export { defaultModules } from '../../../core/src/cli/modules.js';
export { identityModule } from '../../../core/src/identity/index.js';
