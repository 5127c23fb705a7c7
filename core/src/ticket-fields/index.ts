/** Custom statuses and custom-field definitions (part of the tickets module). */
export {
  applyCustomFields,
  listFields,
  listStatuses,
  statusCategory,
  type FieldView,
  type StatusView,
} from './definitions.js';
export { ticketFieldRoutes } from './routes.js';
