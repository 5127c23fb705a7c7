/** Saved ticket views (part of the tickets module). */
export { viewRoutes } from './routes.js';
export { viewTickets, viewCount, viewTicketsQuery, viewCountQuery, COUNT_CAP } from './query.js';
export { DEFAULT_VIEWS, type SavedView } from './views.js';
export type { ViewFilters, ViewSort } from './schemas.js';
