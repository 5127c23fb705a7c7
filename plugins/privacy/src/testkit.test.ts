/**
 * Helpers for the privacy suites (not a suite itself): the whole helpdesk (the core's modules,
 * the privacy plugin and the example hello plugin, which stores personal data of its own) on the
 * suite's database, driven over HTTP as members of signed-up workspaces.
 */
import { eventually } from '@novumdesk/core/testing';
import { defaultModules, identityModule } from './core-modules.test.js';
import {
  startMembers,
  uniqueEmail,
  type MembersHarness,
  type Person,
} from '../../../core/src/members/testkit.test.js';
import hello from '../../../examples/hello-plugin/src/index.js';
import privacy from './index.js';
import type { NovumConfigInput, PluginEntry } from '../../../core/src/index.js';

export { uniqueEmail, type MembersHarness, type Person };

/** `eventually` with room for a loaded machine (jobs poll every half second). */
export const until = (check: () => Promise<boolean> | boolean, timeoutMs = 60_000) =>
  eventually(check, timeoutMs);
export const P = '/api/p/privacy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

export async function startPrivacy(
  plugins: readonly PluginEntry[] = [],
  setup: { bootstrapAdmin?: boolean; config?: NovumConfigInput } = {},
): Promise<MembersHarness> {
  return startMembers({
    ...(setup.config ? { config: setup.config } : {}),
    // The shipped list of core modules (so the sweep covers every module that exists), with
    // sign-up limits lifted for the suites.
    modules: defaultModules.map((module) =>
      module === identityModule
        ? identityModule({
            bootstrapAdmin: setup.bootstrapAdmin ?? false,
            rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
          })
        : module,
    ),
    // The plugins are typed against the built core, the harness against its sources.
    plugins: [privacy() as unknown as PluginEntry, hello() as unknown as PluginEntry, ...plugins],
  });
}

export interface Subject {
  contactId: string;
  email: string;
  name: string;
  phone: string;
  ticketIds: string[];
  /** The bytes of the file the contact attached to their first message. */
  attachmentText: string;
}

/** A contact with a ticket (their message, an agent's reply that names them, a note). */
export async function seedContact(
  h: MembersHarness,
  owner: Person,
  label = 'subject',
): Promise<Subject> {
  const tag = Math.random().toString(36).slice(2, 8);
  const email = uniqueEmail(`${label}${tag}`);
  const name = `Zelda${tag} Quixote${tag}`;
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const contact = await h.expectStatus(201, 'POST', '/contacts', {
    token: owner.token,
    body: { name, emails: [email], phones: [phone], customAttributes: { loyalty: `gold ${name}` } },
  });
  // A file the contact sends, whose name and bytes identify them.
  const upload = await h.t.request(
    `/api/v1/attachments?filename=${encodeURIComponent(`${name}.txt`)}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${owner.token}`,
        'content-type': 'application/octet-stream',
      },
      body: `Invoice for ${name}, ${phone}, ${email}\n`,
    },
  );
  if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const attachment = (await upload.json()) as { id: string };
  const ticket = await h.expectStatus(201, 'POST', '/tickets', {
    token: owner.token,
    body: {
      subject: `Order problem for ${name}`,
      requesterId: contact.body.id,
      message: {
        body: `Hello, I am ${name}, call me at ${phone} or write to ${email}.`,
        attachmentIds: [attachment.id],
      },
    },
  });
  await h.expectStatus(201, 'POST', `/tickets/${ticket.body.id}/messages`, {
    token: owner.token,
    body: { body: `Hi ${name}, we are on it.` },
  });
  await h.expectStatus(201, 'POST', `/tickets/${ticket.body.id}/notes`, {
    token: owner.token,
    body: { body: `${name} called from ${phone}.` },
  });
  return {
    contactId: contact.body.id,
    email,
    name,
    phone,
    ticketIds: [ticket.body.id],
    attachmentText: `Invoice for ${name}, ${phone}, ${email}\n`,
  };
}

/** Files a request with the identity check recorded by the owner; returns its id. */
export async function fileRequest(
  h: MembersHarness,
  owner: Person,
  body: Record<string, unknown>,
  status = 201,
): Promise<Body> {
  const res = await h.expectStatus(status, 'POST', `${P}/requests`, {
    token: owner.token,
    body: {
      verification: { method: 'admin_checked', note: 'passport seen on video call' },
      ...body,
    },
  });
  return res.body;
}

export async function waitForState(
  h: MembersHarness,
  owner: Person,
  id: string,
  states: string[],
  timeoutMs = 60_000,
): Promise<Body> {
  let last: Body = null;
  await eventually(async () => {
    last = (await h.expectStatus(200, 'GET', `${P}/requests/${id}`, { token: owner.token })).body;
    return states.includes(last.state);
  }, timeoutMs);
  return last;
}
