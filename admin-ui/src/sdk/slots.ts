/**
 * Where plugin panels can appear. Slot ids are `<area>.<view>.<position>` (PLUGIN-CONTRACT §5);
 * plugin-owned slots are `<pluginId>:<name>`. The list is a value (not only a type) so the host
 * and the diagnostics page can enumerate it.
 */
export const SLOT_NAMES = [
  'nav.main',
  'dashboard.widgets',
  'ticket.details.sidebar',
  'ticket.details.header.actions',
  'ticket.composer.toolbar',
  'inbox.list.bulkActions',
  'contact.details.sidebar',
  'settings.sections',
] as const;

export type CoreSlotName = (typeof SLOT_NAMES)[number];
/** A slot a plugin declares for other plugins: `<pluginId>:<name>`. */
export type PluginSlotName = `${string}:${string}`;
export type SlotName = CoreSlotName | PluginSlotName;

/** No context: the panel reads what it needs through the API. */
export type EmptyContext = Record<string, never>;

/**
 * What the host passes to the panels of each slot (read-only). Plugins add their own slots by
 * declaration merging:
 *
 *     declare module '@novumdesk/admin-sdk' {
 *       interface SlotContextMap { 'billing:invoice.sidebar': { invoiceId: string } }
 *     }
 */
export interface SlotContextMap {
  'nav.main': EmptyContext;
  'dashboard.widgets': EmptyContext;
  'ticket.details.sidebar': { ticketId: string };
  'ticket.details.header.actions': { ticketId: string };
  'ticket.composer.toolbar': { ticketId: string; mode: 'reply' | 'note' };
  'inbox.list.bulkActions': { ticketIds: readonly string[] };
  'contact.details.sidebar': { contactId: string };
  'settings.sections': EmptyContext;
}

export type SlotContext<S extends SlotName> = S extends keyof SlotContextMap
  ? SlotContextMap[S]
  : Record<string, unknown>;

export function isCoreSlot(name: string): name is CoreSlotName {
  return (SLOT_NAMES as readonly string[]).includes(name);
}
