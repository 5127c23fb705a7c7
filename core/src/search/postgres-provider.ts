/**
 * The core's search provider: PostgreSQL full-text search over ticket subjects, message bodies
 * and (for agents) internal notes, and pg_trgm over contact names and emails. Queries run in the
 * request's workspace transaction (RLS holds) and filter on `workspace_id` as well.
 *
 * Matching runs in two SECURITY DEFINER functions of this module's migration
 * (`novumdesk_search_ticket_matches`, `novumdesk_search_contact_matches`): under row-level
 * security PostgreSQL cannot use an index for a condition that is not LEAKPROOF (`@@`, `%`), so
 * the match happens outside the policies, restricted to the transaction's workspace.
 *
 * Index use (EXPLAIN-checked in search.spec.ts):
 * - subjects: `ticket_subject_fts`, GIN over `to_tsvector('simple', subject)` (tickets module);
 * - messages and notes: `ticket_message_fts`, GIN over `to_tsvector('simple', body_text)`;
 * - contact names: `contact_name_trgm`, GIN `lower(name) gin_trgm_ops` (contacts module);
 * - emails: `contact_email_prefix` (btree, `text_pattern_ops`) for prefixes and
 *   `search_contact_email_trgm` (GIN trigram, this module's migration) for fuzzy matches.
 *
 * Ranking: a ticket ranks by its subject's `ts_rank` (doubled) plus a tenth per matching message
 * or note (up to ten), newest first among equals; the snippet shows its latest matching message.
 * Contacts rank by trigram similarity, a name or email prefix counting as a full match. Pages
 * are keyset over `(rank, id)`; snippets (`ts_headline`) are computed for the page only.
 */
import { textArray, sqlFor, type Row, type Sql } from '../identity/db.js';
import { iso } from '../members/context.js';
import { decodeSearchCursor, encodeSearchCursor, type Position } from './cursor.js';
import { headlineOptions, markSubstring, markedHtml } from './highlight.js';
import type {
  ContactHit,
  SearchContext,
  SearchHit,
  SearchProvider,
  SearchQuery,
  SearchResult,
  TicketHit,
  TicketSearchFilters,
} from './provider.js';
import { tsQuerySql } from './tsquery.js';

const SUBJECT_HEADLINE = headlineOptions('HighlightAll=true');
const BODY_HEADLINE = headlineOptions('MaxWords=30, MinWords=12, MaxFragments=2');

interface Built {
  text: string;
  params: unknown[];
}

/** The ticket search statement (exported for the EXPLAIN test). */
export function ticketSearchSql(
  workspaceId: string,
  q: string,
  options: {
    filters: TicketSearchFilters;
    includeNotes: boolean;
    after?: [number, string] | undefined;
    limit: number;
  },
): Built {
  const tsq = tsQuerySql(q);
  const where: string[] = [];
  const params: unknown[] = [];
  const f = options.filters;
  if (f.status?.length) {
    where.push('t.status = any(?::text[])');
    params.push(textArray(f.status));
  }
  if (f.assigneeId === 'none') where.push('t.assignee_id is null');
  else if (f.assigneeId) {
    where.push('t.assignee_id = ?');
    params.push(f.assigneeId);
  }
  if (f.tag) {
    where.push('t.tags @> ?::text[]');
    params.push(textArray([f.tag]));
  }
  if (f.inboxId) {
    where.push(`t.via->>'inboxId' = ?`);
    params.push(f.inboxId);
  }
  const bounds: [Date | undefined, string][] = [
    [f.createdFrom, 't.created_at >= ?'],
    [f.createdTo, 't.created_at <= ?'],
    [f.updatedFrom, 't.updated_at >= ?'],
    [f.updatedTo, 't.updated_at <= ?'],
  ];
  for (const [value, clause] of bounds) {
    if (!value) continue;
    where.push(clause);
    params.push(value);
  }
  // Matching runs in `novumdesk_search_ticket_matches` (this module's migration), which can use
  // the GIN indexes under row-level security; it only ever sees the transaction's workspace.
  const tq = tsq.text;
  const filtered = where.length > 0;
  const text = `
    with best as (
      select ticket_id,
             (coalesce(max(rank) filter (where message_id is null), 0)
               + least(count(message_id), 10) * 0.1)::real as rank,
             (array_agg(message_id order by message_id desc)
                filter (where message_id is not null))[1] as message_id
        from novumdesk_search_ticket_matches(${tq}, ?) group by ticket_id
    ),
    ${
      // Without filters the page is cut before the join: only its tickets are read.
      filtered
        ? `ranked as (select * from best)`
        : `ranked as (select * from best b
                       ${options.after ? 'where (b.rank, b.ticket_id) < (?::real, ?::uuid)' : ''}
                       order by b.rank desc, b.ticket_id desc limit ?)`
    },
    page as (
      select t.id, t.number, t.subject, t.status, t.priority, t.assignee_id, t.tags,
             t.created_at, t.updated_at, b.rank, b.message_id
        from ranked b join ticket t on t.workspace_id = ? and t.id = b.ticket_id
       ${
         filtered
           ? `where ${[...where, ...(options.after ? ['(b.rank, t.id) < (?::real, ?::uuid)'] : [])].join(' and ')}`
           : ''
       }
       order by b.rank desc, t.id desc
       ${filtered ? 'limit ?' : ''}
    )
    select page.*, ts_headline('simple', page.subject, ${tq}, ?) as subject_marked,
           m.kind as message_kind,
           case when m.id is null then null
                else ts_headline('simple', m.body_text, ${tq}, ?) end as message_marked
      from page
      left join ticket_message m on m.workspace_id = ? and m.id = page.message_id
     order by page.rank desc, page.id desc`;
  const tp = tsq.params;
  const after = options.after ? [options.after[0], options.after[1]] : [];
  return {
    text,
    params: [
      ...tp,
      options.includeNotes,
      ...(filtered ? [] : [...after, options.limit + 1]),
      workspaceId,
      ...(filtered ? [...params, ...after, options.limit + 1] : []),
      ...tp,
      SUBJECT_HEADLINE,
      ...tp,
      BODY_HEADLINE,
      workspaceId,
    ],
  };
}

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The contact search statement (exported for the EXPLAIN test). */
export function contactSearchSql(
  workspaceId: string,
  q: string,
  options: { after?: [number, string] | undefined; limit: number },
): Built {
  const needle = q.trim().toLowerCase();
  const contains = `%${likeEscape(needle)}%`;
  const prefix = `${likeEscape(needle)}%`;
  const after = options.after ? 'where (b.rank, c.id) < (?::real, ?::uuid)' : '';
  // Matching runs in `novumdesk_search_contact_matches` (see the ticket search).
  const text = `
    with best as (
      select contact_id, max(rank)::real as rank
        from novumdesk_search_contact_matches(?, ?, ?) group by contact_id
    )
    select c.id, c.name, c.organization_id, b.rank,
           coalesce((select array_agg(e.email order by e.is_primary desc, e.email)
                       from contact_email e
                      where e.workspace_id = c.workspace_id and e.contact_id = c.id),
                    '{}') as emails
      from best b
      join contact c on c.workspace_id = ? and c.id = b.contact_id and c.merged_into_id is null
     ${after}
     order by b.rank desc, c.id desc
     limit ?`;
  return {
    text,
    params: [
      needle,
      prefix,
      contains,
      workspaceId,
      ...(options.after ? [options.after[0], options.after[1]] : []),
      options.limit + 1,
    ],
  };
}

const textList = (value: unknown): string[] => {
  if (Array.isArray(value)) return value as string[];
  if (typeof value === 'string' && value.startsWith('{')) {
    // An unparsed PostgreSQL array literal (some driver paths): `{a,b}`.
    return value
      .slice(1, -1)
      .split(',')
      .filter(Boolean)
      .map((v) => v.replace(/^"|"$/g, ''));
  }
  return [];
};

function ticketHit(row: Row): TicketHit {
  return {
    type: 'ticket',
    id: row.id,
    number: Number(row.number),
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    assigneeId: row.assignee_id ?? null,
    tags: textList(row.tags),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    rank: Number(row.rank),
    highlight: {
      subject: markedHtml(row.subject_marked ?? row.subject),
      message:
        row.message_id && row.message_marked !== null
          ? { id: row.message_id, kind: row.message_kind, snippet: markedHtml(row.message_marked) }
          : null,
    },
  };
}

function contactHit(row: Row, q: string): ContactHit {
  const emails = textList(row.emails);
  const needle = q.trim().toLowerCase();
  const email = emails.find((e) => e.includes(needle)) ?? null;
  return {
    type: 'contact',
    id: row.id,
    name: row.name ?? null,
    emails,
    organizationId: row.organization_id ?? null,
    rank: Number(row.rank),
    highlight: {
      name: row.name ? markSubstring(row.name, needle) : null,
      email: email ? markSubstring(email, needle) : null,
    },
  };
}

interface Page<T> {
  hits: T[];
  next: Position;
}

async function page<T extends SearchHit>(
  sql: Sql,
  built: Built,
  limit: number,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const rows = await sql(built.text, built.params);
  const hits = rows.slice(0, limit).map(map);
  const last = hits[hits.length - 1];
  return { hits, next: rows.length > limit && last ? [last.rank, last.id] : false };
}

export class PostgresSearchProvider implements SearchProvider {
  readonly id = 'postgres';

  async search(query: SearchQuery, ctx: SearchContext): Promise<SearchResult> {
    const sql = sqlFor(ctx.em);
    const cursor = decodeSearchCursor(query.cursor);
    const wantTickets = ctx.includeTickets && query.type !== 'contacts' && cursor.t !== false;
    const wantContacts = ctx.includeContacts && query.type !== 'tickets' && cursor.c !== false;
    const tickets: Page<TicketHit> = wantTickets
      ? await page(
          sql,
          ticketSearchSql(ctx.workspaceId, query.q, {
            filters: query.filters,
            includeNotes: ctx.includeNotes,
            after: cursor.t || undefined,
            limit: query.limit,
          }),
          query.limit,
          ticketHit,
        )
      : { hits: [], next: false };
    const contacts: Page<ContactHit> = wantContacts
      ? await page(
          sql,
          contactSearchSql(ctx.workspaceId, query.q, {
            after: cursor.c || undefined,
            limit: query.limit,
          }),
          query.limit,
          (row) => contactHit(row, query.q),
        )
      : { hits: [], next: false };
    const more = tickets.next !== false || contacts.next !== false;
    return {
      data: [...tickets.hits, ...contacts.hits],
      nextCursor: more ? encodeSearchCursor({ t: tickets.next, c: contacts.next }) : null,
    };
  }
}
