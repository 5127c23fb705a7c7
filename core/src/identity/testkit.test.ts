/**
 * Helpers for the identity suites (not a suite itself: jest runs `*.spec.ts` only). A helpdesk
 * with the identity module on the suite's database, a movable clock, and small HTTP helpers.
 */
import type { PluginEntry } from '../kernel/plugins/index.js';
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import type { NovumConfigInput } from '../kernel/config/schema.js';
import { createTestHelpdesk, type TestHelpdesk } from '../testing/index.js';
import { identityModule } from './identity.module.js';
import type { IdentityOptionsInput } from './options.js';
import { deriveKey, keyIdOf } from './keys.js';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'bootstrap-admin-Pa55';

export class TestClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface IdentityHarness {
  t: TestHelpdesk;
  clock: TestClock;
  logLines: string[];
  /** JSON request; `token` becomes a Bearer header. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Sign up a fresh workspace + owner; returns what was used. */
  signUp(overrides?: Record<string, unknown>): Promise<Account>;
  /** Login → token pair (asserts 200). */
  login(account: Pick<Account, 'email' | 'password'>, workspace?: string): Promise<TokenPair>;
  /** SQL as the database superuser (no RLS), for arranging and inspecting state. */
  sql(text: string, params?: unknown[]): Promise<any[]>;
  close(): Promise<void>;
}

export interface Account {
  email: string;
  password: string;
  workspaceName: string;
  displayName: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  workspaceId: string;
  workspaces: { id: string; name: string; slug: string }[];
}

export const uniqueEmail = (label = 'user') =>
  `${label}-${randomBytes(4).toString('hex')}@example.test`;

export const strongPassword = () => `pw-${randomBytes(9).toString('base64url')}`;

export async function startIdentity(
  setup: {
    options?: IdentityOptionsInput;
    config?: NovumConfigInput;
    logLines?: string[];
    plugins?: PluginEntry[];
  } = {},
): Promise<IdentityHarness> {
  const clock = new TestClock();
  const logLines = setup.logLines ?? [];
  // Suites sign up many accounts from one address: a high sign-up limit unless a suite sets one.
  const options: IdentityOptionsInput = {
    ...setup.options,
    rateLimits: { signupPerIp: { limit: 1000, windowSeconds: 3600 }, ...setup.options?.rateLimits },
  };
  const t = await createTestHelpdesk({
    modules: [identityModule(options)],
    ...(setup.plugins ? { plugins: setup.plugins } : {}),
    clock,
    logLines,
    config: { admin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, ...setup.config },
  });
  const call: IdentityHarness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await t.request(path, {
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
  const harness: IdentityHarness = {
    t,
    clock,
    logLines,
    call,
    async signUp(overrides = {}) {
      const account = {
        email: uniqueEmail(),
        password: strongPassword(),
        workspaceName: `Workspace ${randomBytes(3).toString('hex')}`,
        displayName: 'Test User',
        ...overrides,
      } as Account;
      const res = await call('POST', '/api/v1/auth/signup', {
        // A fresh address each time (used only where the suite trusts X-Forwarded-For).
        headers: { 'x-forwarded-for': `203.0.113.${1 + Math.floor(Math.random() * 250)}` },
        body: {
          ...account,
          acceptTerms: true,
          termsVersion: '2026-01',
          ageAttestation: { atLeast13: true },
          ...overrides,
        },
      });
      if (res.status !== 202)
        throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      return account;
    },
    async login(account, workspace) {
      const res = await call('POST', '/api/v1/auth/login', {
        body: {
          email: account.email,
          password: account.password,
          ...(workspace ? { workspace } : {}),
        },
      });
      if (res.status !== 200)
        throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as TokenPair;
    },
    async sql(text, params = []) {
      return t.hd.orm.em.fork().getConnection().execute(text, params, 'all');
    },
    close: () => t.close(),
  };
  return harness;
}

/** base64url JSON segments and an HMAC-SHA256 signature (none when `key` is null). */
export function forgeJwt(header: object, payload: object, key: Buffer | string | null): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature =
    key === null ? '' : createHmac('sha256', key).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${signature}`;
}

export function decodeJwt(token: string): { header: any; payload: any } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
  };
}

/** The signing key and kid the server derives from `secret`. */
export function signingKey(secret: string): { kid: string; key: Buffer } {
  const kid = keyIdOf(secret);
  return { kid, key: deriveKey(secret, 'access-token', kid) };
}
