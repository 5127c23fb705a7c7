/**
 * Helpers for the tickets suites (not a suite itself): a helpdesk with identity, members,
 * contacts and tickets on the suite's database, and small HTTP helpers for tickets and uploads.
 */
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { contactsModule } from '../contacts/contacts.module.js';
import type { PluginEntry } from '../kernel/plugins/index.js';
import { ticketsModule, type TicketsOptionsInput } from './tickets.module.js';

export interface TicketsHarness extends MembersHarness {
  /** Creates a ticket as `who` (defaults filled in) and returns its body. */
  ticket(who: Person, body?: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Uploads raw bytes; returns the response (status, parsed body, headers). */
  upload(
    who: Person,
    data: Buffer | string,
    options?: { filename?: string; contentType?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Downloads an attachment: status, headers and bytes. */
  download(who: Person, id: string): Promise<{ status: number; headers: Headers; data: Buffer }>;
}

export async function startTickets(
  setup: { tickets?: TicketsOptionsInput; plugins?: readonly PluginEntry[] } = {},
): Promise<TicketsHarness> {
  const h = await startMembers({
    modules: [
      identityModule({
        bootstrapAdmin: false,
        rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
      }),
      membersModule(),
      contactsModule,
      ticketsModule(setup.tickets),
    ],
    ...(setup.plugins ? { plugins: setup.plugins } : {}),
  });
  const ticket: TicketsHarness['ticket'] = async (who, body = {}) =>
    (
      await h.expectStatus(201, 'POST', '/tickets', {
        token: who.token,
        body: {
          subject: 'Printer on fire',
          requester: { email: 'requester@example.test' },
          message: { body: 'Help!' },
          ...body,
        },
      })
    ).body;
  const upload: TicketsHarness['upload'] = async (who, data, options = {}) => {
    const query = options.filename ? `?filename=${encodeURIComponent(options.filename)}` : '';
    const res = await h.t.request(`/api/v1/attachments${query}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${who.token}`,
        'content-type': options.contentType ?? 'application/octet-stream',
      },
      body: data,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  };
  const download: TicketsHarness['download'] = async (who, id) => {
    const res = await h.t.request(`/api/v1/attachments/${id}`, {
      headers: { authorization: `Bearer ${who.token}` },
    });
    return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
  };
  return Object.assign(h, { ticket, upload, download });
}
