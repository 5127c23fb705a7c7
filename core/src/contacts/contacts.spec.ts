/**
 * Contacts and organizations over HTTP on the suite's database: CRUD and validation, email
 * uniqueness per workspace, cross-workspace 404s, pagination, search, merge, CSV import (job)
 * and export. One helpdesk for the suite; each test signs up its own workspace.
 */
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { eventually } from '../testing/eventually.js';
import { contactsModule } from './contacts.module.js';
import { parseCsv } from './csv.js';

describe('contacts module', () => {
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
      ],
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const create = (who: Person, body: unknown) =>
    h.expectStatus(201, 'POST', '/contacts', { token: who.token, body });

  it('creates, reads, updates and deletes a contact, with field paths on bad input', async () => {
    const owner = await h.signUp();
    const org = await h.expectStatus(201, 'POST', '/organizations', {
      token: owner.token,
      body: { name: 'Acme', domains: ['Acme.com'] },
    });
    expect(org.body.domains).toEqual(['acme.com']);
    const created = await create(owner, {
      name: 'Ada Lovelace',
      emails: ['Ada@Example.com', 'ada@work.test'],
      phones: ['+44 1234'],
      customAttributes: { plan: 'pro' },
      organizationId: org.body.id,
    });
    expect(created.body).toMatchObject({
      name: 'Ada Lovelace',
      emails: ['ada@example.com', 'ada@work.test'],
      phones: ['+44 1234'],
      customAttributes: { plan: 'pro' },
      organizationId: org.body.id,
      mergedIntoId: null,
    });
    const id = created.body.id;

    const bad = await h.call('POST', '/contacts', {
      token: owner.token,
      body: { emails: ['not-an-email'], phones: 'x', extra: 1 },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.emails.0', 'body.phones']));

    // PATCH changes only what is sent.
    const patched = await h.expectStatus(200, 'PATCH', `/contacts/${id}`, {
      token: owner.token,
      body: { name: 'Ada King' },
    });
    expect(patched.body).toMatchObject({
      name: 'Ada King',
      emails: ['ada@example.com', 'ada@work.test'],
      phones: ['+44 1234'],
      customAttributes: { plan: 'pro' },
      organizationId: org.body.id,
    });
    const unknownOrg = await h.call('PATCH', `/contacts/${id}`, {
      token: owner.token,
      body: { organizationId: '00000000-0000-4000-8000-000000000000' },
    });
    expect([unknownOrg.status, unknownOrg.body.code]).toEqual([400, 'unknown_organization']);

    // Deleting the organization leaves the contact without one.
    await h.expectStatus(204, 'DELETE', `/organizations/${org.body.id}`, { token: owner.token });
    const got = await h.expectStatus(200, 'GET', `/contacts/${id}`, { token: owner.token });
    expect(got.body.organizationId).toBeNull();

    await h.expectStatus(204, 'DELETE', `/contacts/${id}`, { token: owner.token });
    await h.expectStatus(404, 'GET', `/contacts/${id}`, { token: owner.token });
    // The address is free again.
    await create(owner, { emails: ['ada@example.com'] });
  });

  it('keeps emails unique per workspace, and workspaces apart', async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const mine = await create(a, { name: 'Grace', emails: ['grace@navy.test'] });
    const dup = await h.call('POST', '/contacts', {
      token: a.token,
      body: { emails: ['GRACE@navy.test'] },
    });
    expect([dup.status, dup.body.code]).toEqual([409, 'contact_email_taken']);
    const other = await create(a, { emails: ['other@navy.test'] });
    const steal = await h.call('PATCH', `/contacts/${other.body.id}`, {
      token: a.token,
      body: { emails: ['grace@navy.test'] },
    });
    expect(steal.status).toBe(409);

    // Another workspace may hold the same address, and cannot see or touch A's contact.
    await create(b, { emails: ['grace@navy.test'] });
    for (const [method, path, body] of [
      ['GET', `/contacts/${mine.body.id}`, undefined],
      ['PATCH', `/contacts/${mine.body.id}`, { name: 'x' }],
      ['DELETE', `/contacts/${mine.body.id}`, undefined],
      ['POST', `/contacts/${mine.body.id}/merge`, { sourceId: other.body.id }],
    ] as const) {
      const res = await h.call(method, path, { token: b.token, body });
      expect([method, res.status]).toEqual([method, 404]);
    }
    const listB = await h.expectStatus(200, 'GET', '/contacts', { token: b.token });
    expect(listB.body.data).toHaveLength(1);
    expect(listB.body.data[0].id).not.toBe(mine.body.id);
  });

  it('pages through every contact exactly once, and searches names and emails', async () => {
    const owner = await h.signUp();
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      ids.push((await create(owner, { name: `Person ${i}`, emails: [`p${i}@list.test`] })).body.id);
    }
    await create(owner, { name: 'Margaret Hamilton', emails: ['mh@apollo.test'] });
    await create(owner, { name: 'Katherine Johnson', emails: ['kj@nasa.test'] });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await h.expectStatus(200, 'GET', `/contacts?limit=7${query}`, {
        token: owner.token,
      });
      expect(page.body.data.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.data.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual(expect.arrayContaining(ids));

    const bad = await h.call('GET', '/contacts?cursor=garbage', { token: owner.token });
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_cursor']);

    const names = async (q: string) =>
      (
        await h.expectStatus(200, 'GET', `/contacts?q=${encodeURIComponent(q)}`, {
          token: owner.token,
        })
      ).body.data.map((c: { name: string }) => c.name);
    expect(await names('Margret Hamilton')).toEqual(['Margaret Hamilton']); // a typo
    expect(await names('hamil')).toEqual(['Margaret Hamilton']);
    expect(await names('KJ@na')).toEqual(['Katherine Johnson']); // email prefix
    expect(await names('nasa.test')).toEqual([]); // emails match by prefix only
  });

  it('merges a contact into another', async () => {
    const owner = await h.signUp();
    const target = await create(owner, {
      name: 'Linus',
      emails: ['linus@one.test'],
      phones: ['111'],
      customAttributes: { tier: 'gold' },
    });
    const source = await create(owner, {
      emails: ['linus@two.test'],
      phones: ['222', '111'],
      customAttributes: { tier: 'silver', city: 'Helsinki' },
    });
    const self = await h.call('POST', `/contacts/${target.body.id}/merge`, {
      token: owner.token,
      body: { sourceId: target.body.id },
    });
    expect([self.status, self.body.code]).toEqual([400, 'merge_into_self']);

    const merged = await h.expectStatus(200, 'POST', `/contacts/${target.body.id}/merge`, {
      token: owner.token,
      body: { sourceId: source.body.id },
    });
    expect(merged.body).toMatchObject({
      name: 'Linus',
      emails: ['linus@one.test', 'linus@two.test'],
      phones: ['111', '222'],
      customAttributes: { tier: 'gold', city: 'Helsinki' },
    });
    const gone = await h.expectStatus(200, 'GET', `/contacts/${source.body.id}`, {
      token: owner.token,
    });
    expect(gone.body).toMatchObject({ mergedIntoId: target.body.id, emails: [], phones: [] });
    const list = await h.expectStatus(200, 'GET', '/contacts', { token: owner.token });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([target.body.id]);
    const again = await h.call('POST', `/contacts/${target.body.id}/merge`, {
      token: owner.token,
      body: { sourceId: source.body.id },
    });
    expect(again.status).toBe(409);

    const events = await h.sql(
      `select payload from domain_event where name = 'contact.merged' and workspace_id = ?`,
      [owner.workspaceId],
    );
    expect(events.map((e) => e.payload)).toEqual([
      { targetId: target.body.id, sourceId: source.body.id },
    ]);
  });

  const runImport = async (who: Person, csv: string) => {
    const started = await h.expectStatus(202, 'POST', '/contacts/imports', {
      token: who.token,
      body: { csv },
    });
    let result: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    await eventually(async () => {
      result = (
        await h.expectStatus(200, 'GET', `/contacts/imports/${started.body.id}`, {
          token: who.token,
        })
      ).body;
      return result.status === 'completed';
    }, 20_000);
    return result;
  };

  it('imports CSV as a job, reports bad rows by line, and re-runs without duplicates', async () => {
    const owner = await h.signUp();
    await create(owner, { name: 'Existing', emails: ['known@import.test'] });
    const csv = [
      'Name,Email,Phones,custom_attributes',
      'Alan Turing,alan@import.test,+44 1;+44 2,"{""field"":""maths""}"',
      '"Hopper, Grace",grace@import.test;gh@import.test,,',
      'No Address,,,',
      '"Multi',
      'line",multi@import.test,,',
      'Bad Mail,not-an-email,,',
      'Dup,KNOWN@import.test,,',
    ].join('\r\n');
    const first = await runImport(owner, csv);
    expect(first).toMatchObject({ status: 'completed', total: 6, done: 6, created: 3 });
    expect(first.errors).toEqual([
      { line: 4, message: 'email is required' },
      { line: 7, message: 'email is not a valid address' },
    ]);
    const bad = await h.call('POST', '/contacts/imports', { token: owner.token, body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.csv');

    const again = await runImport(owner, csv);
    expect(again).toMatchObject({ status: 'completed', total: 6, created: 0 });
    const all = await h.expectStatus(200, 'GET', '/contacts?limit=100', { token: owner.token });
    expect(all.body.data).toHaveLength(4);
    const grace = all.body.data.find((c: { name: string }) => c.name === 'Hopper, Grace');
    expect(grace.emails).toEqual(['grace@import.test', 'gh@import.test']);
    const alan = all.body.data.find((c: { name: string }) => c.name === 'Alan Turing');
    expect(alan).toMatchObject({
      phones: ['+44 1', '+44 2'],
      customAttributes: { field: 'maths' },
    });
    expect(all.body.data.map((c: { name: string }) => c.name)).toContain('Multi\r\nline');
  }, 60_000);

  it('exports CSV that imports back into another workspace', async () => {
    const a = await h.signUp('a');
    await create(a, {
      name: 'Quote "Q", Comma',
      emails: ['q@export.test'],
      phones: ['111', '222'],
      customAttributes: { note: 'a,b\n"c"' },
    });
    await create(a, { name: null, emails: ['plain@export.test'] });
    const res = await h.call('GET', '/contacts/export.csv', { token: a.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const records = parseCsv(res.body as string);
    expect(records[0]!.fields).toEqual([
      'id',
      'name',
      'emails',
      'phones',
      'organization_id',
      'custom_attributes',
      'created_at',
    ]);
    expect(records).toHaveLength(3);
    expect(records[1]!.fields[1]).toBe('Quote "Q", Comma');

    const b = await h.signUp('b');
    const result = await runImport(b, res.body as string);
    expect(result).toMatchObject({ total: 2, created: 2, errors: [] });
    type Listed = {
      name: string | null;
      emails: string[];
      phones: string[];
      customAttributes: unknown;
    };
    const strip = (list: Listed[]) =>
      list
        .map(({ name, emails, phones, customAttributes }) => ({
          name,
          emails,
          phones,
          customAttributes,
        }))
        .sort((x, y) => x.emails[0]!.localeCompare(y.emails[0]!));
    const fromA = await h.expectStatus(200, 'GET', '/contacts', { token: a.token });
    const fromB = await h.expectStatus(200, 'GET', '/contacts', { token: b.token });
    expect(strip(fromB.body.data)).toEqual(strip(fromA.body.data));
  }, 60_000);
});
