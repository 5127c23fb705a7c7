/** The HTTP layer's public surface, for the kernel (`helpdesk.ts`) and the package index. */
export { API_PREFIX, createHttpApp, pluginPrefix, type HttpAppOptions } from './app.js';
export { accessLogMiddleware } from './access-log.js';
export { DEFAULT_BODY_LIMIT, JSON_MEDIA_TYPES, jsonBodyMiddleware } from './body.js';
export { renderDocsPage } from './docs-page.js';
export { problemMiddleware, sendProblem } from './error-handler.js';
export {
  healthRoutes,
  LivenessSchema,
  ReadinessSchema,
  type HealthRoutesOptions,
  type Readiness,
  type ReadinessChecks,
} from './health.routes.js';
export {
  buildOpenApiDocument,
  DEFAULT_SESSION_COOKIE,
  SECURITY,
  toOpenApiPath,
  type OpenApiDocument,
  type OpenApiOptions,
} from './openapi.js';
export { openApiRoutes } from './openapi.routes.js';
export {
  assertPageMounts,
  hostName,
  pagesMiddleware,
  pathIsUnder,
  RESERVED_PAGE_PATHS,
  type PageMount,
  type PageMountDeclaration,
  type PageRequest,
} from './pages.js';
export {
  codeForStatus,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  problemForStatus,
  problemFromError,
  problemType,
  validationFailed,
  type FieldError,
  type Problem,
} from './problem.js';
export { REQUEST_ID_HEADER, requestIdMiddleware, sanitizeRequestId } from './request-id.js';
export {
  defineRoute,
  reply,
  RouteReply,
  type HttpMethod,
  type RouteAccess,
  type RouteDefinition,
  type RouteGroup,
  type RouteInput,
  type RouteResponse,
} from './route.js';
export { checkAccess, hasPermission, joinPath, mountRoutes, successStatus } from './router.js';
export { scopeMiddleware, type Authenticate, type CreateScope, type ScopeInit } from './scope.js';
export {
  defaultCspDirectives,
  securityHeadersMiddleware,
  type CspDirectives,
  type SecurityHeadersOptions,
} from './security-headers.js';
export {
  close,
  createHttpServer,
  listen,
  type CloseOptions,
  type HttpServer,
  type HttpServerOptions,
  type TlsFiles,
} from './server.js';
export { requestState, type NovumContext, type NovumState, type RequestState } from './state.js';
export { validateRequest, validationMiddleware, type ValidatedInput } from './validate.js';
