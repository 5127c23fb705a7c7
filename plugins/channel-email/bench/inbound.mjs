// Inbound bench: messages per second through SMTP to stored tickets (listener → durable raw
// store → processing job → ticket), next to a bare mailparser loop over the same messages in the
// same run. Uses the built packages: `npx tsc -b plugins/channel-email` first.
//
//   node plugins/channel-email/bench/inbound.mjs [messages=300] [connections=4]
//   DATABASE_URL=postgres://… node plugins/channel-email/bench/inbound.mjs   (server mode)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { createHelpdesk, defaultModules } from '@novumdesk/core';
import { emailChannel } from '../dist/index.js';

const N = Number(process.argv[2] ?? 300);
const CONNECTIONS = Number(process.argv[3] ?? 4);
const ADDRESS = 'bench@example.test';

const messages = Array.from({ length: N }, (_, i) =>
  [
    `From: Customer ${i} <customer${i % 50}@example.test>`,
    `To: ${ADDRESS}`,
    `Subject: Bench message ${i} about order ${1000 + i}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <bench-${i}-${Date.now()}@client.example.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello,\n\nmy order ${1000 + i} has not arrived. Could you check?\n\nThanks\n`.repeat(3),
    '--b',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Hello,</p><p>my order <b>${1000 + i}</b> has not arrived.</p>`.repeat(3),
    '--b--',
    '',
  ].join('\r\n'),
);

// Baseline: a bare parse loop.
let t0 = performance.now();
for (const raw of messages) await simpleParser(raw);
const parseMs = performance.now() - t0;

const dataDir = mkdtempSync(path.join(tmpdir(), 'novumdesk-bench-'));
const hd = await createHelpdesk({
  modules: defaultModules,
  plugins: [emailChannel({ smtp: { port: 0 }, imap: { enabled: false }, defaultInbox: false })],
  logger: pino({ level: process.env.BENCH_LOG ?? 'warn' }),
  adminUi: false,
  inMemory: !process.env.DATABASE_URL,
  config: {
    port: 0,
    secret: 'bench-secret-that-is-long-enough-0123456789abcdef',
    dataDir,
    ...(process.env.DATABASE_URL
      ? { database: { url: process.env.DATABASE_URL, autoMigrate: true } }
      : {}),
    jobs: { inProcessWorkers: true, pollIntervalSeconds: 0.5 },
  },
});
await hd.start();
const api = async (method, p, body, token) => {
  const res = await fetch(`${hd.url}/api/v1${p}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
};
const email = `bench-${Date.now()}@example.test`;
const password = 'bench-Password-1234567';
await api('POST', '/auth/signup', {
  workspaceName: 'Bench', email, password, displayName: 'Bench', acceptTerms: true,
  termsVersion: '2026-01', ageAttestation: { atLeast13: true },
}); // prettier-ignore
const { accessToken, workspaceId } = await api('POST', '/auth/login', { email, password });
await api(
  'POST',
  '/inboxes',
  { channelType: 'email', name: 'Bench', settings: { address: ADDRESS } },
  accessToken,
);

const smtpPort = hd.container.resolve('channelEmailSmtp').port;
const transport = nodemailer.createTransport({
  host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity,
}); // prettier-ignore
const sql = (text, params = []) => hd.orm.em.fork().getConnection().execute(text, params, 'all');
const processed = async () =>
  (
    await sql(
      `select count(*)::int as n from channel_email_inbound where workspace_id = ? and status = 'processed'`,
      [workspaceId],
    )
  )[0].n;

t0 = performance.now();
await Promise.all(
  messages.map((raw) =>
    transport.sendMail({ envelope: { from: 'c@example.test', to: [ADDRESS] }, raw }),
  ),
);
const acceptedMs = performance.now() - t0;
while ((await processed()) < N) await new Promise((r) => setTimeout(r, 50));
const totalMs = performance.now() - t0;
const tickets = (
  await sql(`select count(*)::int as n from ticket where workspace_id = ?`, [workspaceId])
)[0].n;
transport.close();
await hd.stop();
rmSync(dataDir, { recursive: true, force: true });

const rate = (ms) => Math.round((N / ms) * 1000);
console.log(
  JSON.stringify(
    {
      messages: N,
      connections: CONNECTIONS,
      mode: process.env.DATABASE_URL ? 'postgres' : 'embedded (PGlite)',
      bareMailparser: { ms: Math.round(parseMs), perSecond: rate(parseMs) },
      smtpAccepted: { ms: Math.round(acceptedMs), perSecond: rate(acceptedMs) },
      smtpToStoredTickets: { ms: Math.round(totalMs), perSecond: rate(totalMs), tickets },
      ratio: Math.round((rate(totalMs) / rate(parseMs)) * 1000) / 1000,
    },
    null,
    2,
  ),
);
process.exit(0);
