/**
 * Search over HTTP on the suite's database: subjects, messages and notes (notes only for
 * agents), HTML-safe highlights, filters, keyset pages, prefix matching, fuzzy contacts,
 * validation, workspace isolation, a plugin's provider through `search.resolveProvider`, and
 * the statements' index use (EXPLAIN). One helpdesk for the suite; each test signs up its own
 * workspace.
 */
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { contactsModule } from '../contacts/contacts.module.js';
import { ticketsModule } from '../tickets/tickets.module.js';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { searchModule } from './search.module.js';
import { contactSearchSql, ticketSearchSql } from './postgres-provider.js';
import { withWorkspace } from '../tenancy/index.js';

/** A plugin provider: answers `engine:` queries itself, hands the rest to PostgreSQL. */
const engine = definePlugin({
  id: 'fake-engine',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  dependsOn: { search: `^${CORE_VERSION}` },
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('search.resolveProvider', async ({ fallback }) => ({
      id: 'fake-engine',
      async search(query, searchCtx) {
        if (!query.q.startsWith('engine:')) return fallback.search(query, searchCtx);
        return {
          data: [
            {
              type: 'contact' as const,
              id: '00000000-0000-4000-8000-000000000001',
              name: 'From the engine',
              emails: [],
              organizationId: null,
              rank: 1,
              highlight: { name: 'From the <mark>engine</mark>', email: null },
            },
          ],
          nextCursor: null,
        };
      },
    }));
  },
});

type Hit = { type: string; id: string; [key: string]: unknown };

describe('search module', () => {
  let h: MembersHarness;
  beforeAll(async () => {
    h = await startMembers({
      modules: [
        identityModule({
          bootstrapAdmin: false,
          rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
        }),
        membersModule(),
        contactsModule,
        ticketsModule,
        searchModule,
      ],
      plugins: [engine],
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const ticket = async (who: Person, subject: string, body: string, extra = {}) =>
    (
      await h.expectStatus(201, 'POST', '/tickets', {
        token: who.token,
        body: {
          subject,
          requester: { email: 'requester@example.test' },
          message: { body },
          ...extra,
        },
      })
    ).body as { id: string; number: number };
  const search = async (who: Person, query: string) =>
    (await h.expectStatus(200, 'GET', `/search?${query}`, { token: who.token })).body as {
      data: Hit[];
      nextCursor: string | null;
      provider: string;
    };
  const ids = (hits: readonly { id: string }[]) => hits.map((hit) => hit.id).sort();

  it('finds tickets by subject, message and note, notes only for agents, with safe highlights', async () => {
    const owner = await h.signUp();
    const bySubject = await ticket(owner, 'Printer jammed on floor two', 'Paper stuck.');
    const byMessage = await ticket(
      owner,
      'Office question',
      'The printer & "scanner" smoke: 5 < 6',
    );
    const byNote = await ticket(owner, 'Another thing', 'Nothing related.');
    await h.expectStatus(201, 'POST', `/tickets/${byNote.id}/notes`, {
      token: owner.token,
      body: { body: 'Internal: probably the printer again' },
    });
    await ticket(owner, 'Unrelated', 'Coffee machine broken');

    const agent = await search(owner, 'q=printer&type=tickets');
    // The test plugin's provider hands ordinary queries to the PostgreSQL one.
    expect(agent.provider).toBe('fake-engine');
    expect(ids(agent.data)).toEqual(ids([bySubject, byMessage, byNote]));
    // A subject match weighs more than a body match.
    expect(agent.data[0]!.id).toBe(bySubject.id);
    const subjectHit = agent.data.find((hit) => hit.id === bySubject.id)!;
    expect(subjectHit.highlight).toEqual({
      subject: '<mark>Printer</mark> jammed on floor two',
      message: null,
    });
    const messageHit = agent.data.find((hit) => hit.id === byMessage.id)!;
    const snippet = (messageHit.highlight as { message: { snippet: string; kind: string } })
      .message;
    expect(snippet.kind).toBe('reply');
    expect(snippet.snippet).toContain('<mark>printer</mark>');
    // Escaped text: the only markup is <mark>.
    expect(snippet.snippet).toContain('&amp;');
    expect(snippet.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"]/);
    const noteHit = agent.data.find((hit) => hit.id === byNote.id)!;
    expect((noteHit.highlight as { message: { kind: string } }).message.kind).toBe('note');

    // A read-only member (tickets:read, no tickets:write) never matches on notes.
    const reader = await h.addMember(owner, 'read_only', 'reader');
    const read = await search(reader, 'q=printer&type=tickets');
    expect(ids(read.data)).toEqual(ids([bySubject, byMessage]));
    expect(JSON.stringify(read.data)).not.toContain('Internal');
  });

  it('matches the last word as a prefix, phrases and exclusions', async () => {
    const owner = await h.signUp();
    const a = await ticket(owner, 'Scanner firmware update failed', 'Error 0x51');
    const b = await ticket(owner, 'Scanner works again', 'Thanks, firmware fixed it');
    expect(ids((await search(owner, 'q=firmw&type=tickets')).data)).toEqual(ids([a, b]));
    expect(ids((await search(owner, 'q=scanner%20-again&type=tickets')).data)).toEqual([a.id]);
    const phrase = await search(owner, `q=${encodeURIComponent('"update failed"')}&type=tickets`);
    expect(ids(phrase.data)).toEqual([a.id]);
    // Odd input never fails.
    await search(owner, `q=${encodeURIComponent('" : & | ! ( ) \' -')}`);
  });

  it('filters by status, assignee, tag and dates', async () => {
    const owner = await h.signUp();
    const open = await ticket(owner, 'Refund request', 'Please refund', { tags: ['billing'] });
    const solved = await ticket(owner, 'Refund done', 'Refund processed');
    const other = await ticket(owner, 'Refund again', 'One more refund', { tags: ['vip'] });
    await h.expectStatus(200, 'PATCH', `/tickets/${open.id}`, {
      token: owner.token,
      body: { status: 'open', assigneeId: owner.userId },
    });
    await h.expectStatus(200, 'PATCH', `/tickets/${solved.id}`, {
      token: owner.token,
      body: { status: 'solved' },
    });
    const q = 'q=refund&type=tickets';
    expect(ids((await search(owner, `${q}&status=open,solved`)).data)).toEqual(ids([open, solved]));
    expect(ids((await search(owner, `${q}&status=open&status=new`)).data)).toEqual(
      ids([open, other]),
    );
    expect(ids((await search(owner, `${q}&assigneeId=${owner.userId}`)).data)).toEqual([open.id]);
    expect(ids((await search(owner, `${q}&assigneeId=none`)).data)).toEqual(ids([solved, other]));
    expect(ids((await search(owner, `${q}&tag=VIP`)).data)).toEqual([other.id]);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await search(owner, `${q}&createdFrom=${tomorrow}`)).data).toEqual([]);
    expect((await search(owner, `${q}&updatedTo=${tomorrow}`)).data).toHaveLength(3);
    const inbox = '00000000-0000-4000-8000-000000000009';
    expect((await search(owner, `${q}&inboxId=${inbox}`)).data).toEqual([]);
  });

  it('pages through every hit exactly once (keyset over rank and id)', async () => {
    const owner = await h.signUp();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      created.push((await ticket(owner, `Invoice ${'copy '.repeat(i)}missing`, `invoice ${i}`)).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await search(
        owner,
        `q=invoice&type=tickets&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((hit) => hit.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(created.sort());
  });

  it('finds contacts by fuzzy name, email prefix and email fragment', async () => {
    const owner = await h.signUp();
    const john = (
      await h.expectStatus(201, 'POST', '/contacts', {
        token: owner.token,
        body: { name: 'Johnathan Smithers', emails: ['jsmithers@acme-widgets.test'] },
      })
    ).body;
    const other = (
      await h.expectStatus(201, 'POST', '/contacts', {
        token: owner.token,
        body: { name: 'Maria Lopez', emails: ['maria@example.test'] },
      })
    ).body;
    const fuzzy = await search(owner, 'q=jonathan%20smithers&type=contacts');
    expect(ids(fuzzy.data)).toEqual([john.id]);
    expect(fuzzy.data[0]).toMatchObject({
      type: 'contact',
      emails: ['jsmithers@acme-widgets.test'],
    });
    const prefix = await search(owner, 'q=jsmith&type=contacts');
    expect(ids(prefix.data)).toEqual([john.id]);
    expect(prefix.data[0]!.highlight).toEqual({
      name: 'Johnathan Smithers',
      email: '<mark>jsmith</mark>ers@acme-widgets.test',
    });
    expect(ids((await search(owner, 'q=acme-widgets&type=contacts')).data)).toEqual([john.id]);
    expect(ids((await search(owner, 'q=lopez&type=contacts')).data)).toEqual([other.id]);
    // type=all: tickets and contacts side by side.
    const t = await ticket(owner, 'Lopez account locked', 'cannot sign in');
    const all = await search(owner, 'q=lopez');
    expect(all.data.map((hit) => `${hit.type}:${hit.id}`).sort()).toEqual(
      [`contact:${other.id}`, `ticket:${t.id}`].sort(),
    );
  });

  it("never shows another workspace's records, whatever the request names", async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const ticketA = await ticket(a, 'Kangaroo sighting', 'A kangaroo in the lobby');
    await h.expectStatus(201, 'POST', '/contacts', {
      token: a.token,
      body: { name: 'Kangaroo Keeper', emails: ['keeper@zoo.test'] },
    });
    const fromA = await search(a, 'q=kangaroo');
    expect(fromA.data.map((hit) => hit.type).sort()).toEqual(['contact', 'ticket']);
    const fromB = await search(b, `q=kangaroo&workspaceId=${a.workspaceId}`);
    expect(fromB.data).toEqual([]);
    const emails = await search(b, 'q=keeper');
    expect(emails.data).toEqual([]);
    expect(JSON.stringify(fromB)).not.toContain(ticketA.id);
  });

  it('answers 400 with field paths for invalid queries and cursors, 403 without the permission', async () => {
    const owner = await h.signUp();
    const missing = await h.call('GET', '/search', { token: owner.token });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('query.q');
    const status = await h.call('GET', '/search?q=x&status=open,bogus', { token: owner.token });
    expect(status.status).toBe(400);
    expect(status.body.errors[0].path).toMatch(/^query\.status/);
    const date = await h.call('GET', '/search?q=x&createdFrom=yesterday', { token: owner.token });
    expect(date.status).toBe(400);
    const cursor = await h.call('GET', '/search?q=x&cursor=not-a-cursor', { token: owner.token });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
    expect((await h.call('GET', '/search?q=x')).status).toBe(401);
  });

  it("uses a plugin's provider chosen through search.resolveProvider", async () => {
    const owner = await h.signUp();
    const result = await search(owner, 'q=engine:anything');
    expect(result).toEqual({
      data: [expect.objectContaining({ name: 'From the engine' })],
      nextCursor: null,
      provider: 'fake-engine',
    });
  });

  it('serves the search statements from their indexes (EXPLAIN)', async () => {
    const owner = await h.signUp();
    const first = await ticket(owner, 'Printer on fire', 'Smoke from tray 2');
    // Enough rows that an index is worth it: 3,000 tickets and messages of other words.
    const [{ requester_id: requester }] = await h.sql(
      'select requester_id from ticket where id = ?',
      [first.id],
    );
    await h.sql(
      `insert into ticket (id, workspace_id, number, subject, requester_id, created_at, updated_at)
       select gen_random_uuid(), ?, 1000 + g, 'filler subject ' || g, ?, now(), now()
         from generate_series(1, 3000) g`,
      [owner.workspaceId, requester],
    );
    await h.sql(
      `insert into ticket_message (id, workspace_id, ticket_id, kind, direction, body_text, created_at)
       select gen_random_uuid(), t.workspace_id, t.id, 'reply', 'inbound', 'filler body ' || t.number, now()
         from ticket t where t.workspace_id = ? and t.number > 1000`,
      [owner.workspaceId],
    );
    await h.sql(
      `insert into contact (id, workspace_id, name, created_at, updated_at)
       select gen_random_uuid(), ?, 'Filler Person ' || g, now(), now()
         from generate_series(1, 3000) g`,
      [owner.workspaceId],
    );
    await h.sql(
      `insert into contact_email (workspace_id, email, contact_id, created_at)
       select c.workspace_id, 'filler' || row_number() over () || '@filler.test', c.id, now()
         from contact c where c.workspace_id = ? and c.name like 'Filler Person %'`,
      [owner.workspaceId],
    );
    for (const table of ['contact', 'contact_email']) await h.sql(`analyze ${table}`);
    await h.sql('analyze ticket');
    await h.sql('analyze ticket_message');
    // The matching statements are the bodies of the search functions: explain them as the
    // function owner (the migration role) with the workspace set, as the function runs.
    const body = async (name: string) =>
      String((await h.sql('select prosrc from pg_proc where proname = ?', [name]))[0].prosrc);
    const plan = async (text: string) =>
      h.t.hd.orm.em.fork().transactional(async (em) => {
        await em.execute('set local enable_seqscan = off');
        await em.execute(`select set_config('novumdesk.workspace_id', ?, true)`, [
          owner.workspaceId,
        ]);
        const rows = await em.execute<{ 'QUERY PLAN': string }[]>(`explain ${text}`);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    const tickets = await plan(
      (await body('novumdesk_search_ticket_matches'))
        .replace(/\bq\b/g, `to_tsquery('simple', 'printer & smoke')`)
        .replace(/\binclude_notes\b/g, 'true'),
    );
    expect(tickets).toMatch(/Bitmap Index Scan on ticket_subject_fts/);
    expect(tickets).toMatch(/Bitmap Index Scan on ticket_message_fts/);
    expect(tickets).not.toMatch(/Seq Scan/);
    const contacts = await plan(
      (await body('novumdesk_search_contact_matches'))
        .replace(/\bneedle\b/g, `'jsmith'`)
        .replace(/\bprefix\b/g, `'jsmith%'`)
        .replace(/\bcontains\b/g, `'%jsmith%'`),
    );
    // Index-backed either way: trigram GIN, or the workspace btree when the planner judges a
    // workspace's contacts few enough to filter (as with these 3,000).
    expect(contacts).not.toMatch(/Seq Scan/);
    expect(contacts).toMatch(/contact_name_trgm|contact_id_workspace_id_key|contact_workspace/);

    // The statements the provider sends work on the indexes' results only: no table scans.
    const statement = async (built: { text: string; params: unknown[] }) =>
      withWorkspace(h.t.hd.orm.em.fork(), owner.workspaceId, async (em) => {
        await em.execute('set local enable_seqscan = off');
        const rows = await em.execute<{ 'QUERY PLAN': string }[]>(
          `explain ${built.text}`,
          built.params,
        );
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    expect(
      await statement(
        ticketSearchSql(owner.workspaceId, 'printer', {
          filters: {},
          includeNotes: true,
          limit: 20,
        }),
      ),
    ).not.toMatch(/Seq Scan on ticket\b/);
    expect(
      await statement(contactSearchSql(owner.workspaceId, 'jsmith', { limit: 20 })),
    ).not.toMatch(/Seq Scan on contact\b/);
  });
});
