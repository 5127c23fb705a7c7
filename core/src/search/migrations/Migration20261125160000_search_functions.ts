import { Migration } from '@mikro-orm/migrations';

/**
 * The matching step of search as two SECURITY DEFINER functions.
 *
 * Why: under row-level security PostgreSQL applies a policy before any condition that is not
 * LEAKPROOF, and neither the text-search match (`@@`) nor pg_trgm's `%`/`LIKE` are; so inside a
 * workspace transaction (role `novumdesk_app`) the GIN indexes could not be used, and a search
 * read every row of the table (seconds at a million tickets). These functions run as their owner
 * and match with the indexes, restricted explicitly to the workspace the *calling transaction*
 * has set (`novumdesk.workspace_id`, the same setting the policies trust): they return ids and
 * ranks of that workspace only, never another's, whatever the caller passes. Everything else the
 * search reads (the tickets, the snippets) goes through the policies as usual.
 *
 * The owner is the role that runs migrations. When it is a superuser or has BYPASSRLS (the
 * usual case, and PGlite) the indexes are used; otherwise the policies still apply inside and the
 * result is the same, only slower (docs/search.md).
 *
 * Costs at a million tickets (bench `search-*-1m`): a message match is not ranked with `ts_rank`
 * (that would re-parse every matching body); a ticket's rank is its subject's `ts_rank` (doubled)
 * plus a tenth per matching message (up to ten). Names match by trigram similarity at 0.45
 * (fewer, better candidates than the default 0.3), emails by prefix or fragment (`LIKE`, which
 * the trigram index serves without the near-universal candidates `%` gives on addresses).
 *
 * SQL written out without `?` (the migrator sends it through knex).
 */
const WORKSPACE = `nullif(current_setting('novumdesk.workspace_id', true), '')::uuid`;

const TICKET_MATCHES = `
create or replace function novumdesk_search_ticket_matches(q tsquery, include_notes boolean)
returns table (ticket_id uuid, rank real, message_id uuid)
language sql stable security definer set search_path = public, pg_temp rows 200 as $fn$
  select t.id, ts_rank(to_tsvector('simple', t.subject), q) * 2, null::uuid
    from ticket t
   where t.workspace_id = ${WORKSPACE} and to_tsvector('simple', t.subject) @@ q
  union all
  select m.ticket_id, 0::real, m.id
    from ticket_message m
   where m.workspace_id = ${WORKSPACE} and to_tsvector('simple', m.body_text) @@ q
     and (include_notes or m.kind = 'reply')
$fn$`;

const CONTACT_MATCHES = `
create or replace function novumdesk_search_contact_matches(needle text, prefix text, contains text)
returns table (contact_id uuid, rank real)
language sql stable security definer set search_path = public, pg_temp
set pg_trgm.similarity_threshold = 0.45 rows 50 as $fn$
  select c.id, case when lower(c.name) like prefix then 1.0::real
                    else similarity(lower(c.name), needle) end
    from contact c
   where c.workspace_id = ${WORKSPACE} and c.merged_into_id is null
     and (lower(c.name) % needle or lower(c.name) like contains)
  union all
  select e.contact_id, case when e.email like prefix then 1.0::real
                            else similarity(e.email, needle) end
    from contact_email e
   where e.workspace_id = ${WORKSPACE} and (e.email like prefix or e.email like contains)
$fn$`;

export class Migration20261125160000_search_functions extends Migration {
  override up(): void {
    this.addSql(TICKET_MATCHES);
    this.addSql(CONTACT_MATCHES);
    for (const fn of [
      'novumdesk_search_ticket_matches(tsquery, boolean)',
      'novumdesk_search_contact_matches(text, text, text)',
    ]) {
      this.addSql(`revoke all on function ${fn} from public`);
      this.addSql(`grant execute on function ${fn} to novumdesk_app`);
    }
  }

  override down(): void {
    this.addSql(`drop function if exists novumdesk_search_ticket_matches(tsquery, boolean)`);
    this.addSql(`drop function if exists novumdesk_search_contact_matches(text, text, text)`);
  }
}
