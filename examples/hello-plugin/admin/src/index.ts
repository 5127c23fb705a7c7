/**
 * The hello plugin's admin panels, one ES module loaded by the admin UI at run time. Each named
 * export is a component; the plugin's `admin.panels` declaration says which export goes into
 * which slot.
 */
export { default as TicketGreeting } from './TicketGreeting.vue';
