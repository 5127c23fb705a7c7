/**
 * The figures of the closing note, measured on the suite's database (run them on
 * PostgreSQL): time to export and to erase a contact with 1,000 tickets (each with the
 * contact's message, an agent's reply and a note), end to end through the API and the job
 * queue; and retention throughput, in rows per second, over a generated set of closed tickets.
 * Skipped unless NOVUMDESK_PRIVACY_FIGURES=1 (minutes of work, not a regression test).
 *
 *   NOVUMDESK_PRIVACY_FIGURES=1 NOVUMDESK_TEST_MODES=postgres npm test -- plugins/privacy/src/figures.spec.ts
 */
import { eventually } from '@novumdesk/core/testing';
import {
  P,
  fileRequest,
  startPrivacy,
  uniqueEmail,
  waitForState,
  type MembersHarness,
  type Person,
} from './testkit.test.js';

const run = process.env.NOVUMDESK_PRIVACY_FIGURES === '1' ? describe : describe.skip;
const TICKETS = Number(process.env.NOVUMDESK_PRIVACY_TICKETS ?? 1000);
const RETENTION_ROWS = Number(process.env.NOVUMDESK_PRIVACY_RETENTION_ROWS ?? 200_000);
const DAY = 86_400_000;

run('privacy figures', () => {
  let h: MembersHarness;
  let owner: Person;
  beforeAll(async () => {
    h = await startPrivacy();
    owner = await h.signUp('figures');
  }, 120_000);
  afterAll(() => h?.close(), 120_000);

  async function contactWithTickets(label: string): Promise<string> {
    const email = uniqueEmail(label);
    const contact = await h.expectStatus(201, 'POST', '/contacts', {
      token: owner.token,
      body: { name: `Figure ${label}`, emails: [email], phones: ['+15550009999'] },
    });
    for (let i = 0; i < TICKETS; i += 1) {
      const ticket = await h.expectStatus(201, 'POST', '/tickets', {
        token: owner.token,
        body: {
          subject: `Question ${i} from Figure ${label}`,
          requesterId: contact.body.id,
          message: { body: `Hello, this is Figure ${label} (${email}), ticket ${i}.` },
        },
      });
      await h.expectStatus(201, 'POST', `/tickets/${ticket.body.id}/messages`, {
        token: owner.token,
        body: { body: `Hi Figure ${label}, answered.` },
      });
    }
    return contact.body.id as string;
  }

  it(`exports and erases a contact with ${TICKETS} tickets`, async () => {
    const contactId = await contactWithTickets('bulk');
    const startExport = Date.now();
    const exported = await fileRequest(h, owner, {
      type: 'export',
      subject: { kind: 'contact', id: contactId },
    });
    const doneExport = await waitForState(h, owner, exported.id, ['completed'], 600_000);
    const exportMs = Date.now() - startExport;
    const startErase = Date.now();
    const erased = await fileRequest(h, owner, {
      type: 'erase',
      subject: { kind: 'contact', id: contactId },
    });
    await waitForState(h, owner, erased.id, ['completed'], 600_000);
    const eraseMs = Date.now() - startErase;
    console.log(
      `FIGURES export of a contact with ${TICKETS} tickets: ${exportMs} ms (package ${doneExport.result.size} bytes); erasure: ${eraseMs} ms`,
    );
  }, 1_800_000);

  it(`retention throughput over ${RETENTION_ROWS} closed tickets`, async () => {
    const [contact] = await h.sql(`select id from contact where workspace_id = ? limit 1`, [
      owner.workspaceId,
    ]);
    const old = new Date(Date.now() - 400 * DAY);
    const chunk = 50_000;
    for (let from = 0; from < RETENTION_ROWS; from += chunk) {
      const to = Math.min(RETENTION_ROWS, from + chunk) - 1;
      await h.sql(
        `with t as (
           insert into ticket (id, workspace_id, number, subject, requester_id, status, priority, created_at, updated_at)
           select gen_random_uuid(), ?, 1000000 + n, 'Generated ' || n, ?, 'closed', 'normal', ?, ?
             from generate_series(?::int, ?::int) as n
           returning id)
         insert into ticket_message (id, workspace_id, ticket_id, kind, direction, body_text, created_at)
         select gen_random_uuid(), ?, t.id, 'reply', 'inbound', 'Generated message', ? from t`,
        [owner.workspaceId, contact.id, old, old, from, to, owner.workspaceId, old],
      );
    }
    await h.sql('analyze ticket');
    await h.sql('analyze ticket_message');
    const token = (await h.login(owner.email, owner.password)).token;
    await h.expectStatus(200, 'PUT', `${P}/retention/tickets.closed`, {
      token,
      body: { days: 365 },
    });
    const started = Date.now();
    await h.expectStatus(202, 'POST', `${P}/retention/run`, { token });
    await eventually(async () => {
      const [{ n }] = await h.sql(
        `select count(*)::int as n from ticket where workspace_id = ? and status = 'closed'`,
        [owner.workspaceId],
      );
      return n === 0;
    }, 1_800_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `FIGURES retention: ${RETENTION_ROWS} closed tickets (+ ${RETENTION_ROWS} messages, cascaded) deleted in ${seconds.toFixed(1)} s = ${Math.round(RETENTION_ROWS / seconds)} tickets/s`,
    );
  }, 3_600_000);
});
