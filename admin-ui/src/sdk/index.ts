/**
 * `@novumdesk/admin-sdk`: what plugin panels import. Built as its own ES module
 * (`/admin/shared/admin-sdk.js`) and shared through the import map, so the host and every
 * plugin use one copy (one `useNovumApi` default client, one set of injection keys).
 */
export {
  ApiError,
  createNovumApi,
  isApiError,
  NOVUM_API_KEY,
  toApiError,
  useNovumApi,
  type FieldError,
  type NovumApi,
  type NovumApiOptions,
  type ProblemDetails,
  type QueryValue,
  type RequestOptions,
} from './api';
export type { ExtensionsResponse, PanelContribution } from './extensions';
export {
  definePanel,
  PANEL_KEY,
  usePanel,
  type PanelContext,
  type PanelDefinition,
  type PanelHostContext,
  type PanelInfo,
  type PanelProps,
} from './panel';
export { useResource, type Resource, type ResourceOptions } from './resource';
export {
  isCoreSlot,
  SLOT_NAMES,
  type CoreSlotName,
  type EmptyContext,
  type PluginSlotName,
  type SlotContext,
  type SlotContextMap,
  type SlotName,
} from './slots';
export type {
  PanelContact,
  PanelTicket,
  PanelUser,
  PanelWorkspace,
  TicketPriority,
  TicketStatus,
} from './types';
