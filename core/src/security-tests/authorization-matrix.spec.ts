/**
 * The authorization matrix (SEC-31, SEC-32, SEC-35; ASVS 8.2), generated from the route table
 * that the running helpdesk serves as its OpenAPI document, with every module the product ships.
 * Two workspaces are created through sign-up and filled through the API; then, for every route:
 *
 * - it has an entry in `route-expectations.test.ts`, and declares the access that entry expects;
 * - without a token (or with a garbage one) a non-public route answers 401;
 * - a member whose role lacks the route's permission gets 403; an owner holding it does not;
 * - workspace B's owner naming one of workspace A's resources in the path gets 404, exactly
 *   like a resource that does not exist, and A's resources are unchanged afterwards;
 * - every parameterless GET answered for A never holds an id of B (nor the reverse), even when
 *   the request names B in a query parameter or header.
 *
 * Each check runs over all routes and reports every failing route at once.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultModules } from '../cli/modules.js';
import { toPluginInstance, type PluginEntry } from '../kernel/plugins/index.js';
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import {
  startMembers,
  uniqueEmail,
  type MembersHarness,
  type Person,
} from '../members/testkit.test.js';
import {
  EXPECTATIONS,
  type Access,
  type Fixtures,
  type WorkspaceFixtures,
  type RouteExpectation,
} from './route-expectations.test.js';
import type { MatrixContribution } from '../testing/authorization-matrix.js';

const EXPECTATIONS_FILE = 'core/src/security-tests/route-expectations.test.ts';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The first-party plugins' contributions (`plugins/<name>/src/matrix.test.ts`): the shipped
 * product is the core plus these plugins, so their routes are attacked the same way. A key
 * claimed twice is a test bug and fails loudly.
 */
async function pluginContributions(): Promise<{ name: string; matrix: MatrixContribution }[]> {
  const pluginsDir = path.join(REPO_ROOT, 'plugins');
  if (!existsSync(pluginsDir)) return [];
  const found: { name: string; matrix: MatrixContribution }[] = [];
  for (const name of readdirSync(pluginsDir).sort()) {
    const file = path.join(pluginsDir, name, 'src', 'matrix.test.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { matrix?: MatrixContribution };
    if (!mod.matrix) throw new Error(`${file} must export \`matrix: MatrixContribution\``);
    found.push({ name, matrix: mod.matrix });
  }
  return found;
}

function mergeExpectations(
  contributions: { name: string; matrix: MatrixContribution }[],
): Record<string, RouteExpectation> {
  const merged: Record<string, RouteExpectation> = { ...EXPECTATIONS };
  for (const { name, matrix } of contributions) {
    for (const [key, expectation] of Object.entries(matrix.expectations)) {
      if (merged[key])
        throw new Error(`${key}: expectation given twice (again by plugins/${name})`);
      merged[key] = expectation as RouteExpectation;
    }
  }
  return merged;
}
const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

interface Operation {
  key: string;
  method: string;
  path: string;
  access: Access;
}

/**
 * What `novumdesk start` loads (`defaultModules`), with identity and members configured for a
 * test (no bootstrap admin, sign-up limits lifted) and added if the shipped list lacks them.
 */
function shippedModules(plugins: PluginEntry[] = []): PluginEntry[] {
  const identity = identityModule({
    bootstrapAdmin: false,
    rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
  });
  const replacements: Record<string, PluginEntry> = { identity, members: membersModule() };
  const seen = new Set<string>();
  const modules = defaultModules.map((entry) => {
    const id = toPluginInstance(entry)?.plugin.id ?? '';
    seen.add(id);
    return replacements[id] ?? entry;
  });
  const missing = ['identity', 'members']
    .filter((id) => !seen.has(id))
    .map((id) => replacements[id]!);
  return [...missing, ...modules, ...plugins];
}

function operationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const key = `${method.toUpperCase()} ${path}`;
      operations.push({
        key,
        method: method.toUpperCase(),
        path,
        access: operation['x-novumdesk-access'] as Access,
      });
    }
  }
  return operations.sort((x, y) => x.key.localeCompare(y.key));
}

const permissionOf = (access: Access): string | undefined =>
  typeof access === 'object' ? access.permission : undefined;
const hasParams = (op: Operation) => op.path.includes('{');

/** The path with each `{param}` replaced: from `params`, else a random UUID (or a name). */
function fill(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? (name === 'name' ? 'no-such-queue' : randomUUID())),
  );
}

/** The tickets module's resources: an attachment on a note, a status, a field, a view, a bulk job. */
async function ticketFixtures(h: MembersHarness, owner: Person, ticketId: string, label: string) {
  const upload = await h.t.request(`/api/v1/attachments?filename=matrix-${label}.txt`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
    body: `Matrix ${label}`,
  });
  const attachmentId = ((await upload.json()) as { id: string }).id;
  await h.expectStatus(201, 'POST', `/tickets/${ticketId}/notes`, {
    token: owner.token,
    body: { body: 'With a file', attachmentIds: [attachmentId] },
  });
  const status = await h.expectStatus(201, 'POST', '/ticket-statuses', {
    token: owner.token,
    body: { name: `Waiting ${label}`, category: 'pending' },
  });
  const field = await h.expectStatus(201, 'POST', '/ticket-fields', {
    token: owner.token,
    body: { key: `field_${label}`, label: 'Field', type: 'text' },
  });
  const view = await h.expectStatus(201, 'POST', '/views', {
    token: owner.token,
    body: { name: `View ${label}`, shared: true, filters: { status: ['new'] } },
  });
  // Past the inline limit: a job (the unknown ids fail in it, the ticket changes).
  const bulk = await h.expectStatus(202, 'POST', '/tickets/bulk', {
    token: owner.token,
    body: {
      ticketIds: [ticketId, ...Array.from({ length: 100 }, () => randomUUID())],
      changes: { priority: 'high' },
    },
  });
  return {
    attachmentId,
    ticketStatusId: status.body.id as string,
    ticketFieldId: field.body.id as string,
    viewId: view.body.id as string,
    bulkJobId: bulk.body.id as string,
  };
}

const uuidsIn = (body: unknown): string[] =>
  (JSON.stringify(body ?? null).match(UUID_PATTERN) ?? []).map((id) => id.toLowerCase());

describe('authorization matrix', () => {
  let h: MembersHarness;
  let operations: Operation[];
  let fx: Fixtures;
  let expectations: Record<string, RouteExpectation>;
  let contributions: { name: string; matrix: MatrixContribution }[];
  /** Per permission used by a route: a member of A whose role has every other permission. */
  const lacking = new Map<string, Person>();

  async function fixturesFor(label: string): Promise<WorkspaceFixtures> {
    const owner = await h.signUp(`${label}-owner`);
    const agent = await h.addMember(owner, 'agent', `${label}-agent`);
    const custom = await h.expectStatus(201, 'POST', '/roles', {
      token: owner.token,
      body: { name: `Matrix ${label}`, permissions: ['tickets:read'] },
    });
    const team = await h.expectStatus(201, 'POST', '/teams', {
      token: owner.token,
      body: { name: `Team ${label}` },
    });
    await h.expectStatus(200, 'PUT', `/teams/${team.body.id}/members`, {
      token: owner.token,
      body: { userIds: [agent.userId] },
    });
    const agentRoleId = await h.roleId(owner, 'agent');
    const invitation = await h.invite(owner, agentRoleId, uniqueEmail(`${label}-pending`));
    const apiKey = await h.expectStatus(201, 'POST', '/api-keys', {
      token: owner.token,
      body: { name: `Key ${label}`, permissions: ['members:read'] },
    });
    const contact = await h.expectStatus(201, 'POST', '/contacts', {
      token: owner.token,
      body: { name: `Contact ${label}`, emails: [uniqueEmail(`${label}-contact`)] },
    });
    const organization = await h.expectStatus(201, 'POST', '/organizations', {
      token: owner.token,
      body: { name: `Org ${label}` },
    });
    const contactImport = await h.expectStatus(202, 'POST', '/contacts/imports', {
      token: owner.token,
      body: { csv: 'name,email\r\n' },
    });
    const ticket = await h.expectStatus(201, 'POST', '/tickets', {
      token: owner.token,
      body: {
        subject: `Ticket ${label}`,
        requesterId: contact.body.id,
        message: { body: 'Matrix fixture' },
      },
    });
    const tickets = await ticketFixtures(h, owner, ticket.body.id, label);
    const inbox = await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: `Inbox ${label}` },
    });
    const webhook = await h.expectStatus(201, 'POST', '/webhooks', {
      token: owner.token,
      body: { url: 'http://127.0.0.1:9/matrix', eventTypes: ['*'] },
    });
    const core = {
      owner,
      contactId: contact.body.id as string,
      ticketId: ticket.body.id as string,
      inboxId: inbox.body.id as string,
    };
    const extra: Record<string, string> = {};
    for (const { name, matrix } of contributions) {
      const ids = (await matrix.fixtures?.(h, core, label as 'a' | 'b')) ?? {};
      for (const [key, id] of Object.entries(ids)) {
        if (key in extra) throw new Error(`plugins/${name}: fixture id "${key}" given twice`);
        extra[key] = id;
      }
    }
    return {
      extra,
      owner,
      agent,
      agentRoleId,
      customRoleId: custom.body.id,
      teamId: team.body.id,
      invitationId: invitation.id,
      apiKeyId: apiKey.body.id,
      webhookId: webhook.body.id,
      contactId: contact.body.id,
      organizationId: organization.body.id,
      contactImportId: contactImport.body.id,
      ticketId: ticket.body.id,
      inboxId: inbox.body.id,
      ...tickets,
    };
  }

  /** One member of A per distinct permission set "everything the owner may grant, minus P". */
  async function membersLacking(permissions: string[]): Promise<void> {
    const owner = fx.a.owner;
    const me = await h.expectStatus(200, 'GET', '/me', { token: owner.token });
    const catalog = await h.expectStatus(200, 'GET', '/permissions', { token: owner.token });
    const assignable = (catalog.body as { permission: string; assignable: boolean }[])
      .filter((p) => p.assignable)
      .map((p) => p.permission);
    const grantable = assignable.filter((p) => (me.body.permissions as string[]).includes(p));
    const bySet = new Map<string, Person>();
    for (const permission of permissions) {
      const set = grantable.filter((p) => p !== permission);
      const key = set.join(',');
      let person = bySet.get(key);
      if (!person) {
        const role = await h.expectStatus(201, 'POST', '/roles', {
          token: owner.token,
          body: { name: `Without ${permission}`, permissions: set },
        });
        person = await h.addMember(
          owner,
          role.body.id,
          `without-${permission.replace(/\W/g, '-')}`,
        );
        bySet.set(key, person);
      }
      lacking.set(permission, person);
    }
  }

  beforeAll(async () => {
    contributions = await pluginContributions();
    expectations = mergeExpectations(contributions);
    // Plugins load as plugins (mounted under /api/p/<id>), not as core modules (/api/v1).
    h = await startMembers({
      modules: shippedModules(),
      plugins: contributions.flatMap((c) => c.matrix.plugins),
    });
    const document = await h.expectStatus(200, 'GET', '/api/v1/openapi.json');
    operations = operationsOf(document.body);
    fx = { a: await fixturesFor('a'), b: await fixturesFor('b') };
    const permissions = [
      ...new Set(operations.map((op) => permissionOf(op.access)).filter((p): p is string => !!p)),
    ];
    await membersLacking(permissions);
  }, 300_000);
  afterAll(() => h?.close(), 30_000);

  it('has an expectation for every route, and none for a route that is gone', () => {
    const served = new Set(operations.map((op) => op.key));
    const missing = operations.filter((op) => !expectations[op.key]).map((op) => op.key);
    const stale = Object.keys(expectations).filter((key) => !served.has(key));
    expect(operations.length).toBeGreaterThan(40);
    if (missing.length > 0) {
      throw new Error(
        `Routes without an entry in the authorization matrix: ${missing.join(', ')}.\n` +
          `Add each to EXPECTATIONS in ${EXPECTATIONS_FILE}: its access, and for a path id of a ` +
          'workspace resource how to name workspace A’s resource (or why it names none).',
      );
    }
    expect({ stale }).toEqual({ stale: [] });
  });

  it('declares on every route the access its entry expects', () => {
    const wrong = operations
      .filter(
        (op) =>
          expectations[op.key] &&
          JSON.stringify(expectations[op.key]!.access) !== JSON.stringify(op.access),
      )
      .map(
        (op) =>
          `${op.key}: declares ${JSON.stringify(op.access)}, expected ${JSON.stringify(expectations[op.key]!.access)}`,
      );
    expect(wrong).toEqual([]);
    // Every path id is either a workspace resource the matrix attacks, or explained.
    const unexplained = operations
      .filter((op) => hasParams(op) && op.access !== 'public')
      .filter(
        (op) => !expectations[op.key]?.resource && !expectations[op.key]?.notAWorkspaceResource,
      )
      .map((op) => op.key);
    expect(unexplained).toEqual([]);
  }, 180_000);

  it('answers 401 on every non-public route without a valid token', async () => {
    const failures: string[] = [];
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token' }];
    for (const op of operations.filter((o) => o.access !== 'public')) {
      for (const headers of variants) {
        const res = await h.call(op.method, fill(op.path), { headers });
        if (res.status !== 401)
          failures.push(`${op.key} ${JSON.stringify(headers)}: ${res.status} ${res.body?.code}`);
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('answers 403 to a role without the permission, and lets an owner who holds it through', async () => {
    const failures: string[] = [];
    const ownerPermissions: string[] = (
      await h.expectStatus(200, 'GET', '/me', { token: fx.a.owner.token })
    ).body.permissions;
    for (const op of operations) {
      const permission = permissionOf(op.access);
      if (!permission) continue;
      const person = lacking.get(permission)!;
      const denied = await h.call(op.method, fill(op.path), { token: person.token });
      if (denied.status !== 403 || denied.body?.code !== 'forbidden') {
        failures.push(`${op.key} without ${permission}: ${denied.status} ${denied.body?.code}`);
      }
      // The control: the check is about this permission, not a route that refuses everyone.
      if (ownerPermissions.includes(permission)) {
        const allowed = await h.call(op.method, fill(op.path), { token: fx.a.owner.token });
        if (allowed.status === 401 || allowed.status === 403) {
          failures.push(
            `${op.key} as owner with ${permission}: ${allowed.status} ${allowed.body?.code}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it("answers 404 to another workspace's owner naming this workspace's resources", async () => {
    const failures: string[] = [];
    let attacked = 0;
    for (const op of operations) {
      const expectation = expectations[op.key];
      if (!expectation?.resource) continue;
      attacked++;
      const body = expectation.body?.(fx);
      const res = await h.call(op.method, fill(op.path, expectation.resource(fx)), {
        token: fx.b.owner.token,
        ...(body === undefined ? {} : { body }),
      });
      if (res.status !== 404 || res.body?.code !== 'not_found')
        failures.push(`${op.key}: ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
    expect(attacked).toBeGreaterThanOrEqual(9);

    // Nothing of A changed: every resource is still there, as it was.
    const token = fx.a.owner.token;
    const ids = async (path: string) =>
      uuidsIn((await h.expectStatus(200, 'GET', path, { token })).body);
    expect(await ids('/members')).toContain(fx.a.agent.userId);
    expect(await ids('/roles')).toContain(fx.a.customRoleId);
    expect(await ids('/api-keys')).toContain(fx.a.apiKeyId);
    const teams = (await h.expectStatus(200, 'GET', '/teams', { token })).body;
    expect(teams).toEqual([
      expect.objectContaining({ id: fx.a.teamId, name: 'Team a', memberIds: [fx.a.agent.userId] }),
    ]);
    const invitations = (await h.expectStatus(200, 'GET', '/invitations', { token })).body;
    expect(invitations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: fx.a.invitationId, status: 'pending' }),
      ]),
    );
    const keys = (await h.expectStatus(200, 'GET', '/api-keys', { token })).body;
    expect(keys.find((k: { id: string }) => k.id === fx.a.apiKeyId).revokedAt).toBeNull();
  }, 180_000);

  it("never lists workspace B's ids to workspace A, nor the reverse, whatever the request names", async () => {
    const lists = operations.filter(
      (op) =>
        op.method === 'GET' &&
        op.access !== 'public' &&
        !hasParams(op) &&
        !expectations[op.key]?.skipListCheck,
    );
    expect(lists.map((op) => op.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/members',
        '/api/v1/roles',
        '/api/v1/teams',
        '/api/v1/invitations',
        '/api/v1/audit-events',
      ]),
    );
    const seen = { a: new Set<string>(), b: new Set<string>() };
    const failures: string[] = [];
    for (const op of lists) {
      for (const [self, other] of [
        ['a', 'b'],
        ['b', 'a'],
      ] as const) {
        const token = fx[self].owner.token;
        const foreign = fx[other].owner.workspaceId;
        const plain = await h.call('GET', op.path, { token });
        const injected = await h.call(
          'GET',
          `${op.path}?workspaceId=${foreign}&workspace_id=${foreign}`,
          {
            token,
            headers: { 'x-workspace-id': foreign, 'x-novumdesk-workspace': foreign },
          },
        );
        for (const res of [plain, injected]) uuidsIn(res.body).forEach((id) => seen[self].add(id));
        if (plain.status !== injected.status) {
          failures.push(
            `${op.key} as ${self}: ${plain.status} plain, ${injected.status} naming ${other}`,
          );
        }
      }
    }
    const knownIds = (w: WorkspaceFixtures) =>
      [
        w.owner.workspaceId,
        w.owner.userId,
        w.agent.userId,
        w.customRoleId,
        w.teamId,
        w.invitationId,
        w.apiKeyId,
      ].map((id) => id.toLowerCase());
    // The lists are not trivially empty: each side sees its own resources…
    expect(knownIds(fx.a).filter((id) => !seen.a.has(id))).toEqual([]);
    expect(knownIds(fx.b).filter((id) => !seen.b.has(id))).toEqual([]);
    // …and never one id of the other side.
    expect({
      aSeesOfB: [...seen.a].filter((id) => seen.b.has(id) || knownIds(fx.b).includes(id)),
    }).toEqual({
      aSeesOfB: [],
    });
    expect(failures).toEqual([]);
  }, 180_000);
});
