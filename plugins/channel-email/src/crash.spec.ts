/**
 * Crash safety: a process that answered SMTP 250 and was then killed (SIGKILL) before processing
 * the message loses nothing — after a restart on the same database the message is processed,
 * exactly once. The helpdesk runs in a child process (built `dist/`), first without job workers
 * (so processing cannot happen before the kill), then with them.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createTestDatabase, eventually, type TestDatabase } from '@novumdesk/core/testing';
import { mail } from './harness.test.js';

const ROOT = path.resolve(process.cwd());
const CHILD = path.join(ROOT, 'plugins/channel-email/src/fixtures/crash-child.mjs');

function startChild(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; smtp: number }> {
  const child = fork(CHILD, [], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      NOVUMDESK_LOG_LEVEL: process.env.CRASH_DEBUG ? 'warn' : 'silent',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.CRASH_DEBUG) process.stderr.write(d);
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string; smtp: number }) => resolve({ child, ...m }));
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}): ${stderr.slice(-2000)}`)),
    );
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('crash safety', () => {
  let db: TestDatabase;
  let dataDir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // The child runs the built packages.
    execFileSync('npx', ['tsc', '-b', 'plugins/channel-email'], { cwd: ROOT, stdio: 'ignore' });
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'novumdesk-crash-'));
  }, 240_000);
  afterAll(async () => {
    for (const child of children) await killed(child);
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('processes a message accepted before a kill exactly once after the restart', async () => {
    const env = { NOVUMDESK_DATA_DIR: dataDir, ...(db.url ? { NOVUMDESK_DB_URL: db.url } : {}) };
    const first = await startChild({ ...env, NOVUMDESK_WORKERS: '0' });
    children.push(first.child);
    const call = async (
      base: string,
      method: string,
      p: string,
      body?: unknown,
      token?: string,
    ) => {
      const res = await fetch(`${base}/api/v1${p}`, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const email = `owner-${Date.now()}@example.test`;
    const password = 'crash-Password-1234567';
    const signup = await call(first.url, 'POST', '/auth/signup', {
      workspaceName: 'Crash test',
      email,
      password,
      displayName: 'Owner',
      acceptTerms: true,
      termsVersion: '2026-01',
      ageAttestation: { atLeast13: true },
    });
    expect(signup.status).toBe(202);
    // (The first workspace is the bootstrap admin's, with the default support inbox: use our own.)
    const owner = await call(first.url, 'POST', '/auth/login', { email, password });
    const inbox = await call(
      first.url,
      'POST',
      '/inboxes',
      { channelType: 'email', name: 'Crash', settings: { address: 'crash@example.test' } },
      owner.body.accessToken,
    );
    expect(inbox.status).toBe(201);
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: first.smtp,
      secure: false,
      ignoreTLS: true,
    });
    const info = await client.sendMail({
      envelope: { from: 'customer@example.test', to: ['crash@example.test'] },
      raw: mail({
        to: 'crash@example.test',
        subject: 'Accepted, then the server died',
        messageId: '<crash-1@c.test>',
      }),
    });
    client.close();
    expect(info.response).toMatch(/^250/);
    await killed(first.child); // SIGKILL right after the 250: nothing was processed

    const second = await startChild({ ...env, NOVUMDESK_WORKERS: '1' });
    children.push(second.child);
    const login = await call(second.url, 'POST', '/auth/login', { email, password });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    await eventually(async () => {
      const list = await call(second.url, 'GET', '/tickets', undefined, token);
      return list.body.data.length > 0;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // a second processing would show by now
    const tickets = await call(second.url, 'GET', '/tickets', undefined, token);
    expect(tickets.body.data.map((t: { subject: string }) => t.subject)).toEqual([
      'Accepted, then the server died',
    ]);
    const inbound = await fetch(`${second.url}/api/p/channel-email/inbound`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const rows = ((await inbound.json()) as { data: { status: string }[] }).data;
    expect(rows.map((r) => r.status)).toEqual(['processed']);
    const timeline = await call(
      second.url,
      'GET',
      `/tickets/${tickets.body.data[0].id}/timeline`,
      undefined,
      token,
    );
    expect(
      timeline.body.data.filter((i: { itemType: string }) => i.itemType === 'message'),
    ).toHaveLength(1);
  }, 180_000);
});
