/**
 * `novumdesk start --demo`: fills the first workspace, once, with a believable helpdesk — three
 * agents in a "Support" team, 8 organizations, 50 contacts and 200 tickets across statuses,
 * priorities and tags, each with a conversation (the customer's message, agent replies, internal
 * notes) — then spreads the timestamps over the last four weeks.
 *
 * Everything goes through the public HTTP API of the running helpdesk, with a temporary API key
 * of the workspace owner (revoked at the end) and the agents' own sign-ins, so hooks, timelines,
 * domain events, webhooks and search see the demo exactly as they see real work. Agents join
 * through invitations like anyone else. Idempotent: a workspace that already has the demo's
 * first organization is left alone.
 */
import { randomBytes } from 'node:crypto';
import { sqlFor } from '../identity/db.js';
import type { Helpdesk } from '../kernel/helpdesk.js';
import { withWorkspace } from '../tenancy/index.js';
import {
  DEMO_AGENTS,
  DEMO_FOLLOW_UPS,
  DEMO_MARKER_ORGANIZATION,
  DEMO_NOTES,
  DEMO_ORGANIZATIONS,
  DEMO_STORIES,
  demoContacts,
} from './data.js';

export interface DemoResult {
  seeded: boolean;
  workspaceId: string | null;
  tickets: number;
  contacts: number;
}

export interface DemoOptions {
  tickets?: number;
  contacts?: number;
  log?: (line: string) => void;
}

const STATUSES = ['new', 'open', 'open', 'pending', 'on_hold', 'solved', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];
const KEY_PERMISSIONS = [
  'tickets:read',
  'tickets:write',
  'contacts:read',
  'contacts:write',
  'members:read',
  'members:manage',
  'teams:manage',
];
const DAY = 24 * 3600 * 1000;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

class Api {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  /** `token` null: an anonymous request (accepting an invitation, signing in). */
  async call(
    method: string,
    path: string,
    body?: unknown,
    token: string | null | undefined = this.token,
  ): Promise<Json> {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token ?? this.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo: ${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

export async function seedDemo(hd: Helpdesk, options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  if (!hd.url) throw new Error('demo: the helpdesk must be listening (start() it first)');
  const sql = sqlFor(hd.orm.em.fork());
  const [owner] = await sql(
    `select m.workspace_id, m.user_id, w.name
       from membership m join workspace w on w.id = m.workspace_id
       join role r on r.id = m.role_id
      where r.key = 'owner'
      order by w.created_at, m.created_at limit 1`,
  );
  if (!owner) return { seeded: false, workspaceId: null, tickets: 0, contacts: 0 };
  const workspaceId = owner.workspace_id as string;
  const [present] = await sql(`select 1 from organization where workspace_id = ? and name = ?`, [
    workspaceId,
    DEMO_MARKER_ORGANIZATION,
  ]);
  if (present) return { seeded: false, workspaceId, tickets: 0, contacts: 0 };

  // A short-lived key of the owner for the seeding requests, revoked at the end.
  const { identity } = hd.container.cradle as unknown as {
    identity: import('../identity/service.js').IdentityService;
  };
  const actor = {
    kind: 'user' as const,
    id: owner.user_id as string,
    workspaceId,
    permissions: KEY_PERMISSIONS,
  };
  const created = await withWorkspace(hd.orm.em.fork(), workspaceId, async (em) => {
    const result = await identity.apiKeys.create(em, actor, {
      name: 'demo data (temporary)',
      permissions: KEY_PERMISSIONS,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    await em.flush();
    return result;
  });
  const api = new Api(hd.url, created.key);
  log(`demo: filling workspace "${owner.name}"`);
  try {
    const result = await fill(api, hd, workspaceId, options, log);
    return { seeded: true, workspaceId, ...result };
  } finally {
    await api.call('DELETE', `/api-keys/${created.apiKey.id}`).catch(async () => {
      await withWorkspace(hd.orm.em.fork(), workspaceId, (em) =>
        identity.apiKeys.revoke(em, workspaceId, created.apiKey.id),
      );
    });
  }
}

async function fill(
  api: Api,
  hd: Helpdesk,
  workspaceId: string,
  options: DemoOptions,
  log: (line: string) => void,
): Promise<{ tickets: number; contacts: number }> {
  const sql = sqlFor(hd.orm.em.fork());
  // Organizations first: the first one marks the workspace as seeded.
  const organizations: { id: string }[] = [];
  for (const org of DEMO_ORGANIZATIONS) {
    organizations.push(
      await api.call('POST', '/organizations', { name: org.name, domains: [org.domain] }),
    );
  }

  // Agents, through invitations (the accept link's token is read from the mail outbox).
  const roles: { id: string; key: string | null }[] = await api.call('GET', '/roles');
  const agentRole = roles.find((r) => r.key === 'agent')!;
  const agents: { userId: string; token: string }[] = [];
  for (const agent of DEMO_AGENTS) {
    const [member] = await sql(
      `select u.id from user_account u join membership m on m.user_id = u.id
        where m.workspace_id = ? and u.email = ?`,
      [workspaceId, agent.email],
    );
    const password = `demo-${randomBytes(12).toString('base64url')}`;
    if (member) continue;
    await api.call('POST', '/invitations', { email: agent.email, roleId: agentRole.id });
    const [mail] = await sql(
      `select text from mail_message where to_address = ? and kind = 'invitation'
        order by created_at desc limit 1`,
      [agent.email],
    );
    const token = /#token=([A-Za-z0-9_-]+)/.exec(String(mail?.text ?? ''))?.[1];
    if (!token) throw new Error(`demo: no invitation mail for ${agent.email}`);
    await api.call(
      'POST',
      '/invitations/accept',
      { token, password, displayName: agent.name },
      null,
    );
    const login = await api.call(
      'POST',
      '/auth/login',
      { email: agent.email, password, workspace: workspaceId },
      null,
    );
    const me = await api.call('GET', '/me', undefined, login.accessToken);
    agents.push({ userId: me.user.id, token: login.accessToken });
  }
  const team = await api.call('POST', '/teams', { name: 'Support', description: 'First line' });
  await api.call('PUT', `/teams/${team.id}/members`, { userIds: agents.map((a) => a.userId) });
  log(`demo: ${agents.length} agents in team Support`);

  const contacts = await pool(demoContacts(options.contacts ?? 50), 4, (contact) =>
    api.call('POST', '/contacts', {
      name: contact.name,
      emails: [contact.email],
      ...(contact.organization === null
        ? {}
        : { organizationId: organizations[contact.organization]!.id }),
    }),
  );
  log(`demo: ${contacts.length} contacts`);

  const count = options.tickets ?? 200;
  const tickets = await pool(
    Array.from({ length: count }, (_, i) => i),
    4,
    async (i) => {
      const story = DEMO_STORIES[i % DEMO_STORIES.length]!;
      const agent = agents.length ? agents[i % agents.length]! : null;
      const token = agent?.token;
      const ticket = await api.call('POST', '/tickets', {
        subject: story.subject,
        requesterId: contacts[(i * 7) % contacts.length].id,
        priority: PRIORITIES[(i * 5) % PRIORITIES.length],
        tags: story.tags,
        message: { body: story.body },
      });
      const status = STATUSES[(i * 3) % STATUSES.length]!;
      if (status !== 'new') {
        await api.call('POST', `/tickets/${ticket.id}/messages`, { body: story.reply }, token);
        if (i % 3 === 0) {
          await api.call(
            'POST',
            `/tickets/${ticket.id}/notes`,
            { body: DEMO_NOTES[i % DEMO_NOTES.length] },
            token,
          );
        }
        if (i % 4 === 1) {
          await api.call(
            'POST',
            `/tickets/${ticket.id}/messages`,
            { body: `Following up: ${DEMO_FOLLOW_UPS[i % DEMO_FOLLOW_UPS.length]}` },
            token,
          );
        }
        await api.call(
          'PATCH',
          `/tickets/${ticket.id}`,
          { status, ...(agent && i % 5 !== 0 ? { assigneeId: agent.userId } : {}) },
          token,
        );
      }
      return ticket.id as string;
    },
  );
  log(`demo: ${tickets.length} tickets`);

  // Spread the work over the last four weeks: each ticket and everything on it moves back by
  // the same offset (newer ticket numbers stay newer).
  await withWorkspace(hd.orm.em.fork(), workspaceId, async (em) => {
    const tx = sqlFor(em);
    for (const [i, id] of tickets.entries()) {
      const ageMs = Math.round(((count - i) / count) * 27 * DAY + ((i * 7919) % 3600) * 1000);
      const shift = `${Math.round(ageMs / 1000)} seconds`;
      await tx(
        `update ticket set created_at = created_at - ?::interval, updated_at = updated_at - ?::interval,
                first_response_at = first_response_at - ?::interval, solved_at = solved_at - ?::interval
          where workspace_id = ? and id = ?`,
        [shift, shift, shift, shift, workspaceId, id],
      );
      for (const table of ['ticket_message', 'ticket_event']) {
        await tx(
          `update ${table} set created_at = created_at - ?::interval where workspace_id = ? and ticket_id = ?`,
          [shift, workspaceId, id],
        );
      }
    }
  });
  return { tickets: tickets.length, contacts: contacts.length };
}
