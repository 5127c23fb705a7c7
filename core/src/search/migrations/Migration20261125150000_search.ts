import { Migration } from '@mikro-orm/migrations';

/**
 * Search's own index. The full-text indexes over ticket subjects and message bodies
 * (`ticket_subject_fts`, `ticket_message_fts`) and the trigram index over contact names
 * (`contact_name_trgm`) come with the tickets and contacts modules; the provider's queries use
 * their exact expressions. Emails had only a prefix index: this adds trigram matching, so a
 * fragment from the middle of an address (`acme` in `jane@acme.test`) finds the contact.
 */
export class Migration20261125150000_search extends Migration {
  override up(): void {
    this.addSql(
      `create index if not exists search_contact_email_trgm on contact_email using gin (email gin_trgm_ops)`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists search_contact_email_trgm`);
  }
}
