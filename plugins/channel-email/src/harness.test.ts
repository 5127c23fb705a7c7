/**
 * Test helpers for the email plugin's suites (not a suite: jest runs `*.spec.ts`): a helpdesk
 * with the core modules and this plugin on the suite's database, a local relay (a real
 * smtp-server that records what it is given and can answer 4xx/5xx), and an SMTP client.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { identityModule } from '../../../core/src/identity/identity.module.js';
import { membersModule } from '../../../core/src/members/members.module.js';
import { contactsModule } from '../../../core/src/contacts/contacts.module.js';
import { ticketsModule } from '../../../core/src/tickets/tickets.module.js';
import { inboxesModule } from '../../../core/src/inboxes/inboxes.module.js';
import {
  startMembers,
  type MembersHarness,
  type Person,
} from '../../../core/src/members/testkit.test.js';
import { eventually } from '@novumdesk/core/testing';
import { emailChannel, type EmailOptionsInput } from './index.js';
import type { SmtpListener } from './smtp-listener.js';

export { eventually };
export type { MembersHarness, Person };

export interface RelayMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A relay on 127.0.0.1: records messages; `answers` (FIFO) lets a test make it refuse. */
export class TestRelay {
  readonly received: RelayMessage[] = [];
  readonly attempts: RelayMessage[] = [];
  /** Next DATA answers: `{ code, message }` refuses; undefined accepts. */
  readonly answers: { code: number; message: string; subject?: string }[] = [];
  onMessage: ((m: RelayMessage) => void) | null = null;
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const message = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          };
          this.attempts.push(message);
          // The first refusal meant for this message (by subject), if any.
          const text = message.raw.toString('utf8');
          const index = this.answers.findIndex(
            (a) => !a.subject || new RegExp(`^Subject:.*${a.subject}`, 'im').test(text),
          );
          const answer = index >= 0 ? this.answers.splice(index, 1)[0] : undefined;
          if (answer) {
            const err = new Error(answer.message) as Error & { responseCode: number };
            err.responseCode = answer.code;
            return callback(err);
          }
          this.received.push(message);
          callback();
          this.onMessage?.(message);
        });
      },
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface EmailHarness extends MembersHarness {
  relay: TestRelay;
  smtpPort: number;
  /** Sends raw MIME to our listener (envelope from/to). */
  smtp(raw: string | Buffer, to: string[], from?: string): Promise<string>;
  createInbox(
    owner: Person,
    settings?: Record<string, unknown>,
  ): Promise<{ id: string; address: string }>;
  inbound(owner: Person): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  waitProcessed(owner: Person, count: number): Promise<void>;
}

let counter = 0;
export const uniqueAddress = (label = 'help') =>
  `${label}-${process.pid}-${Date.now().toString(36)}-${counter++}@example.test`;

export async function startEmail(options: EmailOptionsInput = {}): Promise<EmailHarness> {
  const relay = new TestRelay();
  await relay.start();
  const h = await startMembers({
    modules: [
      identityModule({
        bootstrapAdmin: false,
        rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
      }),
      membersModule(),
      contactsModule,
      ticketsModule,
      inboxesModule,
    ],
    plugins: [
      emailChannel({
        ...options,
        smtp: { port: 0, maxMessageBytes: 2 * 1024 * 1024, ...options.smtp },
        relay: { url: relay.url(), allowPlainText: true, ...options.relay },
        outbound: { retryDelaySeconds: 0.2, maxAttempts: 4, ...options.outbound },
        imap: { enabled: false, ...options.imap },
        // The core's modules come from its sources here, the plugin's types from its build.
      }) as never,
    ],
  });
  const smtpPort = (h.t.hd.container.resolve('channelEmailSmtp') as SmtpListener).port!;
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const harness: EmailHarness = {
    ...h,
    relay,
    smtpPort,
    async smtp(raw, to, from = 'customer@example.test') {
      const info = await client.sendMail({ envelope: { from, to }, raw });
      return info.response;
    },
    async createInbox(owner, settings = {}) {
      const address = (settings.address as string | undefined) ?? uniqueAddress();
      const res = await h.expectStatus(201, 'POST', '/inboxes', {
        token: owner.token,
        body: { channelType: 'email', name: 'Email', settings: { address, ...settings } },
      });
      return { id: res.body.id as string, address };
    },
    async inbound(owner) {
      const res = await h.expectStatus(200, 'GET', '/api/p/channel-email/inbound?limit=200', {
        token: owner.token,
      });
      return res.body.data;
    },
    async waitProcessed(owner, count) {
      await eventually(async () => {
        const rows = await harness.inbound(owner);
        return rows.length >= count && rows.every((r: { status: string }) => r.status !== 'stored');
      }, 20_000);
    },
    async close() {
      client.close();
      await h.close();
      await relay.stop();
    },
  };
  return harness;
}

/** A plain message. */
export function mail(fields: {
  from?: string;
  to: string;
  subject?: string;
  body?: string;
  messageId?: string | null;
  headers?: Record<string, string>;
}): string {
  const lines = [
    `From: ${fields.from ?? 'Cust Omer <customer@example.test>'}`,
    `To: ${fields.to}`,
    `Subject: ${fields.subject ?? 'Help please'}`,
    `Date: ${new Date().toUTCString()}`,
    ...(fields.messageId === null
      ? []
      : [
          `Message-ID: ${fields.messageId ?? `<${Math.random().toString(36).slice(2)}@client.example.test>`}`,
        ]),
    ...Object.entries(fields.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    fields.body ?? 'My order did not arrive.',
    '',
  ];
  return lines.join('\r\n');
}
