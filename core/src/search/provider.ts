/**
 * The search contract. One provider is active per helpdesk: the core's PostgreSQL provider
 * (`postgres-provider.ts`) unless a plugin's `search.resolveProvider` tap returns another one (a
 * search engine). Routes call the active provider with a normalized query and the caller's
 * context; the provider returns ranked hits with highlighted snippets and a cursor.
 *
 * Snippets are HTML-safe: the text is escaped and only `<mark>` … `</mark>` wraps the matches,
 * so a client may render them as HTML. A provider must keep that promise (`highlight.ts`).
 */
import type { AwilixContainer } from 'awilix';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor, RequestCradle } from '../kernel/contract.js';

export type SearchType = 'tickets' | 'contacts' | 'all';

/** Ticket filters; every one narrows (AND). Dates are inclusive bounds. */
export interface TicketSearchFilters {
  status?: string[] | undefined;
  /** A member's user id, or `'none'` for unassigned tickets. */
  assigneeId?: string | undefined;
  tag?: string | undefined;
  inboxId?: string | undefined;
  createdFrom?: Date | undefined;
  createdTo?: Date | undefined;
  updatedFrom?: Date | undefined;
  updatedTo?: Date | undefined;
}

export interface SearchQuery {
  /** What the user typed: words, `"a phrase"`, `-excluded`, `or`; the last word also matches as a prefix. */
  q: string;
  type: SearchType;
  filters: TicketSearchFilters;
  /** Hits per page and kind (tickets, contacts). */
  limit: number;
  /** Opaque; the provider's own `nextCursor` from the previous page. */
  cursor?: string | undefined;
}

export interface SearchContext {
  workspaceId: string;
  actor: Actor;
  /** Searches internal notes too (agents); otherwise notes never match nor appear in snippets. */
  includeNotes: boolean;
  /** Contacts are searched (the caller holds `contacts:read`). */
  includeContacts: boolean;
  /** Tickets are searched (the caller holds `tickets:read`). */
  includeTickets: boolean;
  /** The request's EntityManager, inside the workspace's transaction (RLS applies). */
  em: EntityManager;
  scope: AwilixContainer<RequestCradle>;
}

export interface TicketHit {
  type: 'ticket';
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  assigneeId: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** Higher is better; comparable only within one kind of one response. */
  rank: number;
  highlight: {
    /** The subject, with matches marked (HTML-safe). */
    subject: string;
    /** The best-matching message or note, when the match was in one. */
    message: { id: string; kind: 'reply' | 'note'; snippet: string } | null;
  };
}

export interface ContactHit {
  type: 'contact';
  id: string;
  name: string | null;
  emails: string[];
  organizationId: string | null;
  rank: number;
  highlight: { name: string | null; email: string | null };
}

export type SearchHit = TicketHit | ContactHit;

export interface SearchResult {
  data: SearchHit[];
  nextCursor: string | null;
}

export interface SearchProvider {
  /** Shown in responses (`provider`) and logs: `postgres`, `meilisearch`, … */
  readonly id: string;
  search(query: SearchQuery, ctx: SearchContext): Promise<SearchResult>;
}
