/**
 * Helpers for the knowledge base's suites (not a suite itself: jest runs `*.spec.ts`): one
 * helpdesk with the core's modules and the plugin on the suite's database; workspaces are
 * created through sign-up, like users create them, and everything is driven over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  defaultModules,
  identityModule,
  type NovumConfigInput,
  type PluginEntry,
} from '@novumdesk/core';
import { createTestHelpdesk, type TestHelpdesk } from '@novumdesk/core/testing';
import knowledgeBase, { type KnowledgeBaseOptionsInput } from './index.js';

export const KB = '/api/p/knowledge-base';

const USED_MODULES = ['members', 'contacts', 'tickets', 'inboxes', 'webhooks'];
const moduleId = (entry: PluginEntry): string =>
  (entry as { plugin?: { id: string } }).plugin?.id ?? (entry as { id?: string }).id ?? '';

export interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Owner {
  email: string;
  token: string;
  workspaceId: string;
  userId: string;
}

export interface KbHarness {
  t: TestHelpdesk;
  logLines: string[];
  api(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Res>;
  ok(
    status: number,
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<Res>;
  /** A raw request (any Host, any body), for public pages. */
  page(
    path: string,
    options?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<Res>;
  signUp(label?: string): Promise<Owner>;
  close(): Promise<void>;
}

/** The last error log lines, to explain a 500 in a failing assertion. */
export function lastErrors(lines: string[]): string {
  return lines
    .filter((line) => Number((JSON.parse(line) as { level?: number }).level) >= 50)
    .slice(-3)
    .join('\n');
}

export async function startKb(
  options: KnowledgeBaseOptionsInput = {},
  extra: { plugins?: PluginEntry[]; config?: NovumConfigInput } = {},
): Promise<KbHarness> {
  const modules = [
    identityModule({
      bootstrapAdmin: false,
      rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
    }),
    // The modules this plugin works with (the list the core ships may hold more, in progress).
    ...defaultModules.filter((m) => m !== identityModule && USED_MODULES.includes(moduleId(m))),
  ];
  const logLines: string[] = [];
  const t = await createTestHelpdesk({
    modules,
    plugins: [
      knowledgeBase({ viewFlushSeconds: 0.2, addressCacheSeconds: 0, ...options }),
      ...(extra.plugins ?? []),
    ],
    adminUi: false,
    logLines,
    ...(extra.config ? { config: extra.config } : {}),
  });
  const target = new URL(t.url);

  const page: KbHarness['page'] = (path, opts = {}) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          path,
          method: opts.method ?? 'GET',
          headers: opts.headers ?? {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      if (opts.body) req.write(opts.body);
      req.end();
    });

  const api: KbHarness['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await page(path.startsWith('/api/') ? path : `${KB}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    return res;
  };

  const ok: KbHarness['ok'] = async (status, method, path, opts) => {
    const res = await api(method, path, opts);
    if (res.status !== status)
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status} ${res.text}\n${lastErrors(logLines)}`,
      );
    return res;
  };

  const signUp = async (label = 'owner'): Promise<Owner> => {
    const email = `${label}-${randomBytes(5).toString('hex')}@example.test`;
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    await ok(202, 'POST', '/api/v1/auth/signup', {
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
    const login = await ok(200, 'POST', '/api/v1/auth/login', { body: { email, password } });
    const me = await ok(200, 'GET', '/api/v1/me', { token: login.body.accessToken });
    return {
      email,
      token: login.body.accessToken,
      workspaceId: login.body.workspaceId,
      userId: me.body.user.id,
    };
  };

  return { t, logLines, api, ok, page, signUp, close: () => t.close() };
}

/** A center and a published article in it, through the API. */
export async function publishedArticle(
  h: KbHarness,
  owner: Owner,
  center: { id: string },
  input: {
    title: string;
    body: string;
    locale?: string;
    visibility?: 'public' | 'internal';
    categoryId?: string;
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const created = await h.ok(201, 'POST', '/articles', {
    token: owner.token,
    body: { centerId: center.id, ...input },
  });
  const published = await h.ok(200, 'POST', `/articles/${created.body.id}/publish`, {
    token: owner.token,
    body: {},
  });
  return published.body;
}

export const uniqueSlug = (label: string) => `${label}-${randomBytes(3).toString('hex')}`;
