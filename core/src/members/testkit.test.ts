/**
 * Helpers for the members and security suites (not a suite itself: jest runs `*.spec.ts`). One
 * helpdesk with the identity and members modules on the suite's database; workspaces and people
 * are created the way users create them — sign-up, invitation, acceptance, login — over HTTP.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import type { NovumConfigInput } from '../kernel/config/schema.js';
import type { PluginEntry } from '../kernel/plugins/index.js';
import { createTestHelpdesk, type TestHelpdesk } from '../testing/index.js';
import { identityModule } from '../identity/identity.module.js';
import type { IdentityOptionsInput } from '../identity/options.js';
import { membersModule } from './members.module.js';
import type { MembersOptionsInput } from './options.js';

export const API = '/api/v1';

export class TestClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export interface Response {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/** A signed-in person: their access and refresh tokens in one workspace. */
export interface Person {
  email: string;
  password: string;
  userId: string;
  workspaceId: string;
  token: string;
  refreshToken: string;
}

export interface MembersHarness {
  t: TestHelpdesk;
  clock: TestClock;
  logLines: string[];
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** `call`, asserting the status; shows the body when it differs. */
  expectStatus(
    status: number,
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<Response>;
  /** A new workspace through sign-up, and its owner signed in. */
  signUp(label?: string): Promise<Person>;
  login(email: string, password: string, workspace?: string): Promise<Person>;
  /** Invites a new address to `roleId` of `by`'s workspace; returns the raw token from the mail. */
  invite(
    by: Person,
    roleId: string,
    email?: string,
  ): Promise<{ id: string; email: string; token: string }>;
  /** Invites, accepts as a new account and signs in. */
  addMember(by: Person, roleKeyOrId: string, label?: string): Promise<Person>;
  roleId(by: Person, key: string): Promise<string>;
  /** The newest stored service message to `to` of `kind`. */
  lastMail(
    to: string,
    kind: string,
  ): Promise<{ text: string; subject: string; workspace_id: string | null } | undefined>;
  /** The token of the newest message to `to` of `kind` (it travels in the link's fragment). */
  mailedToken(to: string, kind: string): Promise<string>;
  /** SQL as the login role: in the test databases a superuser, so no RLS. */
  sql(text: string, params?: unknown[]): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export const uniqueEmail = (label = 'user') =>
  `${label}-${randomBytes(5).toString('hex')}@example.test`;
export const strongPassword = () => `pw-${randomBytes(12).toString('base64url')}`;

export async function startMembers(
  setup: {
    identity?: IdentityOptionsInput;
    members?: MembersOptionsInput;
    config?: NovumConfigInput;
    /** Modules loaded instead of identity + members (the matrix loads the shipped list). */
    modules?: readonly PluginEntry[];
    plugins?: readonly PluginEntry[];
  } = {},
): Promise<MembersHarness> {
  const clock = new TestClock();
  const logLines: string[] = [];
  const t = await createTestHelpdesk({
    modules: setup.modules ?? [
      // Suites sign up many workspaces from one address: lift the per-IP sign-up limit.
      identityModule({
        bootstrapAdmin: false,
        rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
        ...setup.identity,
      }),
      membersModule(setup.members),
    ],
    ...(setup.plugins ? { plugins: setup.plugins } : {}),
    clock,
    logLines,
    ...(setup.config ? { config: setup.config } : {}),
  });

  const call: MembersHarness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await t.request(path.startsWith('/api/') ? path : `${API}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  };

  const expectStatus: MembersHarness['expectStatus'] = async (status, method, path, options) => {
    const res = await call(method, path, options);
    if (res.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    return res;
  };

  const sql: MembersHarness['sql'] = (text, params = []) =>
    t.hd.orm.em.fork().getConnection().execute(text, params, 'all');

  const login: MembersHarness['login'] = async (email, password, workspace) => {
    const res = await expectStatus(200, 'POST', '/auth/login', {
      body: { email, password, ...(workspace ? { workspace } : {}) },
    });
    const me = await expectStatus(200, 'GET', '/me', { token: res.body.accessToken });
    return {
      email,
      password,
      userId: me.body.user.id,
      workspaceId: res.body.workspaceId,
      token: res.body.accessToken,
      refreshToken: res.body.refreshToken,
    };
  };

  const lastMail: MembersHarness['lastMail'] = async (to, kind) =>
    (
      await sql(
        `select text, subject, workspace_id from mail_message where to_address = ? and kind = ?
          order by created_at desc, id desc limit 1`,
        [to, kind],
      )
    )[0];

  const mailedToken: MembersHarness['mailedToken'] = async (to, kind) => {
    const mail = await lastMail(to, kind);
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    if (!token) throw new Error(`no ${kind} message with a token to ${to}`);
    return token;
  };

  const roleId: MembersHarness['roleId'] = async (by, key) => {
    const roles = await expectStatus(200, 'GET', '/roles', { token: by.token });
    const role = (roles.body as { id: string; key: string | null; name: string }[]).find(
      (r) => r.key === key || r.id === key || r.name === key,
    );
    if (!role) throw new Error(`no role ${key}`);
    return role.id;
  };

  const invite: MembersHarness['invite'] = async (by, role, email = uniqueEmail('invitee')) => {
    const res = await expectStatus(201, 'POST', '/invitations', {
      token: by.token,
      body: { email, roleId: role },
    });
    return { id: res.body.id, email, token: await mailedToken(email, 'invitation') };
  };

  return {
    t,
    clock,
    logLines,
    call,
    expectStatus,
    sql,
    login,
    lastMail,
    mailedToken,
    roleId,
    invite,
    async signUp(label = 'owner') {
      const email = uniqueEmail(label);
      const password = strongPassword();
      await expectStatus(202, 'POST', '/auth/signup', {
        body: {
          workspaceName: `Workspace ${randomBytes(3).toString('hex')}`,
          email,
          password,
          displayName: `Owner ${label}`,
          acceptTerms: true,
          termsVersion: '2026-01',
          ageAttestation: { atLeast13: true },
        },
      });
      return login(email, password);
    },
    async addMember(by, roleKeyOrId, label = 'member') {
      const { email, token } = await invite(by, await roleId(by, roleKeyOrId), uniqueEmail(label));
      const password = strongPassword();
      await expectStatus(200, 'POST', '/invitations/accept', {
        body: { token, password, displayName: `Member ${label}` },
      });
      return login(email, password, by.workspaceId);
    },
    close: () => t.close(),
  };
}
