/**
 * The admin UI's pure logic: queue sorting and filtering, timeline merging, dashboard figures,
 * generated-form helpers, the i18n catalogue (every key the UI uses exists), cookies.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { readCookie } from '../src/api/client';
import type { Ticket, TimelineItem } from '../src/api/tickets';
import {
  fieldKind,
  humanize,
  toSubmission,
  unwrap,
  type JsonSchema,
} from '../src/components/schema-form';
import { summarize } from '../src/composables/dashboard';
import { mergeTimeline } from '../src/composables/ticket';
import { setLanguage, t } from '../src/i18n';
import { compareTickets, matchesFilters } from '../src/stores/queue';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

function ticket(overrides: Partial<Ticket>): Ticket {
  return {
    id: `id-${overrides.number ?? 1}`,
    number: 1,
    subject: 'Subject',
    status: 'open',
    priority: 'normal',
    requesterId: 'r1',
    assigneeId: null,
    teamId: null,
    tags: [],
    customFields: {},
    via: { channel: 'api', inboxId: null },
    type: null,
    firstResponseAt: null,
    solvedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('queue sorting and filters', () => {
  const a = ticket({
    number: 1,
    priority: 'urgent',
    status: 'pending',
    subject: 'b',
    updatedAt: '2026-01-03T00:00:00Z',
  });
  const b = ticket({
    number: 2,
    priority: 'low',
    status: 'new',
    subject: 'a',
    updatedAt: '2026-01-02T00:00:00Z',
  });
  const c = ticket({
    number: 3,
    priority: 'high',
    status: 'closed',
    subject: 'c',
    updatedAt: '2026-01-01T00:00:00Z',
  });
  const sorted = (field: Parameters<typeof compareTickets>[2]['field'], dir: 'asc' | 'desc') =>
    [a, b, c].sort((x, y) => compareTickets(x, y, { field, dir })).map((x) => x.number);

  it('sorts by each column, both ways, by rank rather than by label', () => {
    expect(sorted('updatedAt', 'desc')).toEqual([1, 2, 3]);
    expect(sorted('updatedAt', 'asc')).toEqual([3, 2, 1]);
    expect(sorted('priority', 'desc')).toEqual([1, 3, 2]);
    expect(sorted('status', 'asc')).toEqual([2, 1, 3]);
    expect(sorted('subject', 'asc')).toEqual([2, 1, 3]);
    expect(sorted('number', 'asc')).toEqual([1, 2, 3]);
  });

  it('breaks ties by newest number, so the order is stable', () => {
    const same = [ticket({ number: 5 }), ticket({ number: 9 }), ticket({ number: 7 })];
    expect(
      same
        .sort((x, y) => compareTickets(x, y, { field: 'status', dir: 'asc' }))
        .map((x) => x.number),
    ).toEqual([9, 7, 5]);
  });

  it('matches the pseudo-filters open_all and none, tags and text', () => {
    expect(matchesFilters(a, { status: 'open_all' })).toBe(true);
    expect(matchesFilters(c, { status: 'open_all' })).toBe(false);
    expect(matchesFilters(a, { assigneeId: 'none' })).toBe(true);
    expect(matchesFilters(ticket({ assigneeId: 'u1' }), { assigneeId: 'none' })).toBe(false);
    expect(matchesFilters(ticket({ assigneeId: 'u1' }), { assigneeId: 'u1' })).toBe(true);
    expect(matchesFilters(ticket({ tags: ['vip'] }), { tag: 'vip' })).toBe(true);
    expect(matchesFilters(ticket({ tags: [] }), { tag: 'vip' })).toBe(false);
    expect(matchesFilters(ticket({ subject: 'Printer on fire' }), { q: 'PRINTER' })).toBe(true);
    expect(matchesFilters(ticket({ number: 42 }), { q: '42' })).toBe(true);
    expect(matchesFilters(ticket({ subject: 'x' }), { q: 'printer' })).toBe(false);
  });
});

describe('timeline merge', () => {
  const item = (id: string, createdAt: string): TimelineItem => ({
    itemType: 'event',
    id,
    createdAt,
  });
  it('unions by id, newer copies win, oldest first', () => {
    const merged = mergeTimeline(
      [item('b', '2026-01-02T00:00:00Z'), item('a', '2026-01-01T00:00:00Z')],
      [
        item('c', '2026-01-03T00:00:00Z'),
        { ...item('b', '2026-01-02T00:00:00Z'), itemType: 'message' },
      ],
    );
    expect(merged.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(merged[1]!.itemType).toBe('message');
  });
});

describe('dashboard figures', () => {
  it('counts open tickets by status and assignee, and picks my queue', () => {
    const data = summarize(
      [
        {
          status: 'new',
          tickets: [ticket({ number: 1, assigneeId: 'me' }), ticket({ number: 2 })],
          capped: false,
        },
        {
          status: 'open',
          tickets: [ticket({ number: 3, assigneeId: 'me', updatedAt: '2026-02-01T00:00:00Z' })],
          capped: true,
        },
      ],
      'me',
    );
    expect(data.byStatus).toEqual([
      { status: 'new', count: 2, capped: false },
      { status: 'open', count: 1, capped: true },
    ]);
    expect(data.byAssignee).toEqual([
      { assigneeId: 'me', count: 2 },
      { assigneeId: null, count: 1 },
    ]);
    expect(data.mine.map((x) => x.number)).toEqual([1, 3]);
    expect(data.recent[0]!.number).toBe(3);
    expect(data.totalOpen).toBe(3);
  });
});

describe('generated settings forms', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      apiToken: { type: 'string', writeOnly: true },
      retries: { type: 'integer' },
      verbose: { type: 'boolean' },
      mode: { type: 'string', enum: ['a', 'b'] },
      hosts: { type: 'array', items: { type: 'string' } },
      nested: {
        type: 'object',
        properties: { secret: { type: 'string', writeOnly: true }, url: { type: 'string' } },
      },
      maybe: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Maybe' },
    },
  };

  it('picks an input for each schema type', () => {
    const kinds = Object.fromEntries(
      Object.entries(schema.properties!).map(([k, v]) => [k, fieldKind(v)]),
    );
    expect(kinds).toEqual({
      name: 'text',
      apiToken: 'secret',
      retries: 'number',
      verbose: 'boolean',
      mode: 'enum',
      hosts: 'list',
      nested: 'object',
      maybe: 'text',
    });
    expect(unwrap(schema.properties!.maybe!).title).toBe('Maybe');
    expect(humanize('apiToken')).toBe('Api token');
    expect(humanize('max_retries')).toBe('Max retries');
  });

  it('sends secrets only when a new value was typed (empty keeps the stored one)', () => {
    expect(
      toSubmission(schema, {
        name: 'x',
        apiToken: '',
        retries: '',
        nested: { secret: '', url: 'u' },
      }),
    ).toEqual({ name: 'x', nested: { url: 'u' } });
    expect(toSubmission(schema, { apiToken: 'new', nested: { secret: 's' } })).toEqual({
      apiToken: 'new',
      nested: { secret: 's' },
    });
  });
});

describe('i18n', () => {
  it('fills parameters and picks plural forms', () => {
    setLanguage('en-GB');
    expect(t('queue.count', { count: 1 })).toBe('1 ticket');
    expect(t('queue.count', { count: 3 })).toBe('3 tickets');
    expect(t('ticket.merged', { number: 7 })).toBe('Merged into #7');
    expect(t('no.such.key')).toBe('no.such.key');
    setLanguage('xx');
    expect(t('nav.tickets')).toBe('Tickets');
  });

  it('has an entry for every key the UI uses', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(vue|ts)$/.test(name) && !full.includes(`${path.sep}sdk${path.sep}`))
          files.push(full);
      }
    };
    walk(SRC);
    const keys = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z]+\.[\w.]+)'/g)) keys.add(m[1]!);
      // Route titles, column labels and view names are keys too.
      for (const m of text.matchAll(/(?:title|label): '([a-z]+\.[\w.]+)'/g)) keys.add(m[1]!);
      for (const m of text.matchAll(/entry\('\w+', '([a-z]+\.[\w.]+)'/g)) keys.add(m[1]!);
    }
    expect(keys.size).toBeGreaterThan(200);
    setLanguage('en');
    const missing = [...keys].filter((key) => t(key, { count: 2 }) === key);
    expect(missing).toEqual([]);
  });
});

describe('cookies', () => {
  it('reads one cookie by exact name, decoded', () => {
    const jar = 'a=1; novumdesk_csrf=abc%2Fdef; novumdesk_csrf_x=nope';
    expect(readCookie('novumdesk_csrf', jar)).toBe('abc/def');
    expect(readCookie('missing', jar)).toBeUndefined();
  });
});
