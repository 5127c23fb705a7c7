/**
 * Where plugin panels can appear. Core slots are listed here; plugin-owned slots are
 * `<pluginId>:<name>`. The list is a value (not only a type) so the host and the diagnostics
 * page can enumerate it.
 */
import type { PanelContact, PanelTicket } from './types';

export const SLOT_NAMES = [
  /** A page of its own, linked from the side nav (`/plugins/<pluginId>/<panelId>`). */
  'nav',
  /** A card on the dashboard. */
  'dashboard.widgets',
  /** A card in the ticket page's right-hand column. */
  'ticket.sidebar',
  /** Buttons beside the reply / note composer's send button. */
  'ticket.composer.actions',
  /** A card in the contact page's right-hand column. */
  'contact.sidebar',
  /** A page under Settings, linked from the settings menu. */
  'settings.pages',
] as const;

export type CoreSlotName = (typeof SLOT_NAMES)[number];
/** A slot a plugin declares for other plugins: `<pluginId>:<name>`. */
export type PluginSlotName = `${string}:${string}`;
export type SlotName = CoreSlotName | PluginSlotName;

/** No slot data: the panel reads what it needs through the API. */
export type EmptyContext = Record<string, never>;

/**
 * The slot-specific part of a panel's context (read-only). Plugins add their own slots by
 * declaration merging:
 *
 *     declare module '@novumdesk/admin-sdk' {
 *       interface SlotContextMap { 'billing:invoice.sidebar': { invoiceId: string } }
 *     }
 */
export interface SlotContextMap {
  nav: EmptyContext;
  'dashboard.widgets': EmptyContext;
  'ticket.sidebar': { ticket: PanelTicket };
  'ticket.composer.actions': { ticket: PanelTicket; mode: 'reply' | 'note' };
  'contact.sidebar': { contact: PanelContact };
  'settings.pages': EmptyContext;
}

export type SlotContext<S extends SlotName> = S extends keyof SlotContextMap
  ? SlotContextMap[S]
  : Record<string, unknown>;

export function isCoreSlot(name: string): name is CoreSlotName {
  return (SLOT_NAMES as readonly string[]).includes(name);
}
