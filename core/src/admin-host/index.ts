/**
 * Serving the admin UI from the core: the SPA under /admin, the shared modules of its import
 * map, and plugins' admin bundles. Mount `adminUiMiddleware` in the HTTP chain (see the
 * comment at the top of admin-ui.ts for where).
 */
export {
  ADMIN_BASE_PATH,
  adminUiMiddleware,
  pluginAssetUrl,
  type AdminUiOptions,
} from './admin-ui.js';
export { ADMIN_UI_PACKAGE, locateAdminUi, type AdminUiBuild, type Located } from './locate.js';
export {
  contentTypeFor,
  IMMUTABLE,
  resolveInside,
  REVALIDATE,
  safeSegments,
  sendFile,
} from './static-files.js';
