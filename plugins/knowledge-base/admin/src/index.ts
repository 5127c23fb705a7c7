/**
 * The knowledge base's admin panels, one ES module loaded by the admin UI at run time; the
 * plugin's `admin.panels` declaration says which export goes into which slot.
 */
export { default as KnowledgeBasePage } from './KnowledgeBasePage.vue';
export { default as CentersSettings } from './CentersSettings.vue';
export { default as TicketSuggestions } from './TicketSuggestions.vue';
export { default as InsertArticleLink } from './InsertArticleLink.vue';
