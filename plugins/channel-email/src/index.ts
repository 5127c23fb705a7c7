/**
 * `@novumdesk/plugin-channel-email`: the email channel.
 *
 * - Inbound three ways — an SMTP listener (`smtp-listener.ts`), IMAP polling (`imap-poller.ts`)
 *   and a raw-MIME HTTP endpoint (`routes.ts`) — all storing the raw message before they
 *   acknowledge it, then processing it from the stored copy through the job queue
 *   (`inbound.ts`): parsing, auto-reply/loop detection, bounce and complaint reports, threading
 *   (`threading.ts`, the `channel-email:resolveThread` bail hook) and the ticket.
 * - Outbound replies through the core's dispatch (`outbound.ts`): our signed Message-ID,
 *   In-Reply-To/References, a per-ticket reply address, a VERP return path, retries with
 *   backoff; captured (never sent) without a relay.
 * - Service messages: plugs into the core's Mailer with operator-overridable templates
 *   (`service-mail.ts`).
 *
 * `emailChannel(emailOptionsFromEnv(process.env))` in novumdesk.config.ts.
 */
import { asFunction } from 'awilix';
import { AsyncSeriesBailHook } from 'tapable';
import { definePlugin, DatabaseMailer, type HookContext } from '@novumdesk/core';
import { emailEntities } from './entities.js';
import { emailMigrations } from './migrations/index.js';
import { EmailOptionsSchema, type EmailOptions, type EmailOptionsInput } from './options.js';
import { emailPersonalData } from './personal-data.js';
import { emailProvider, sendOutbound, type SendJobData } from './outbound.js';
import { processJob, type ProcessJobData } from './inbound.js';
import { EMAIL_READ, emailRoutes } from './routes.js';
import { EmailRuntime } from './runtime.js';
import { sendServiceMail, serviceTransport } from './service-mail.js';
import { SmtpListener } from './smtp-listener.js';
import { ImapPoller } from './imap-poller.js';
import { ensureDefaultInbox } from './default-inbox.js';
import { sqlOf } from './db.js';
import { emailCommand } from './command.js';
import { THREAD_RULES, threadRules, type ThreadMatch, type ThreadQuery } from './threading.js';

export { EmailOptionsSchema, EmailInboxSettingsSchema, emailOptionsFromEnv } from './options.js';
export type { EmailOptions, EmailOptionsInput, EmailInboxSettings } from './options.js';
export type { ThreadMatch, ThreadQuery } from './threading.js';
export { inspectMessage, type Inspection } from './inspect.js';
export { classifyBounce, type BounceVerdict, type BounceEntry } from './bounce.js';
export { autoReplyVerdict } from './auto-reply.js';
export { parseMail } from './parse.js';
export { EmailRuntime } from './runtime.js';

declare module '@novumdesk/core' {
  interface CoreCradle {
    /** The email plugin's shared state (options, signer, relay, routing). */
    channelEmailRuntime: EmailRuntime;
    channelEmailSmtp: SmtpListener;
    channelEmailImap: ImapPoller;
  }
}

const SINCE = '0.1.0';

export const emailChannel = definePlugin<EmailOptions, EmailOptionsInput | undefined>({
  id: 'channel-email',
  version: '0.1.0',
  core: '^0.1.0',
  description:
    'Email channel: SMTP/IMAP/HTTP inbound, threading, outbound with delivery events, the Mailer',
  dependsOn: { identity: '^0.1.0', tickets: '^0.1.0', inboxes: '^0.1.0' },
  options: EmailOptionsSchema,
  entities: emailEntities,
  migrations: emailMigrations,
  permissions: [EMAIL_READ],
  personalData: emailPersonalData,
  commands: [emailCommand],

  register(ctx) {
    const options = ctx.options;
    ctx.register({
      channelEmailRuntime: asFunction(
        (cradle) => new EmailRuntime(cradle, options, ctx.logger),
      ).singleton(),
      channelEmailSmtp: asFunction(
        ({ channelEmailRuntime }) => new SmtpListener(channelEmailRuntime),
      ).singleton(),
      channelEmailImap: asFunction(
        ({ channelEmailRuntime }) => new ImapPoller(channelEmailRuntime),
      ).singleton(),
    });
    ctx.channels.add(emailProvider());

    ctx.hooks.define(
      'channel-email:resolveThread',
      () =>
        new AsyncSeriesBailHook<[ThreadQuery, HookContext], ThreadMatch | undefined>([
          'query',
          'ctx',
        ]),
      {
        kind: 'resolve',
        description:
          "Called while an inbound email is processed (job queue, in its workspace transaction) to find the ticket it continues. The first tap to return `{ ticketId, rule }` wins and the message records `rule`; returning undefined passes. The plugin's own rules tap at stages 10 (in-reply-to), 20 (references), 30 (reply-token), 40 (body-marker), 50 (subject-tag, participants only); tap a lower stage to go first.",
        payload:
          '(query: { workspaceId, inboxId, messageId, inReplyTo, references, subject, text, html, sender, recipients }, ctx: HookContext)',
        returns: '{ ticketId, rule } or undefined (a new ticket)',
        since: SINCE,
      },
    );
    // Each rule its own tap, so the chain is visible (and orderable) in the hook diagnostics.
    for (const { name, stage } of THREAD_RULES) {
      ctx.hooks.tap(
        'channel-email:resolveThread',
        async (query, hookCtx) => {
          const rt = hookCtx.scope.cradle.channelEmailRuntime;
          const rule = threadRules(rt.signer, (what, token) =>
            rt.logger.warn(
              { what, token: token.slice(0, 80), workspaceId: query.workspaceId },
              'email: tampered threading token ignored',
            ),
          ).find((r) => r.name === name)!;
          const ticketId = await rule.resolve(query, sqlOf(hookCtx.em));
          return ticketId ? { ticketId, rule: name } : undefined;
        },
        { stage },
      );
    }

    ctx.job<ProcessJobData>(
      'process',
      (data, scope) => processJob(scope.cradle.channelEmailRuntime, data, scope),
      { retryLimit: 5, retryDelaySeconds: 5 },
    );
    ctx.job<SendJobData>(
      'send',
      (data, scope) => sendOutbound(scope.cradle.channelEmailRuntime, data, scope),
      {
        retryLimit: 5,
        retryDelaySeconds: Math.max(1, options.outbound.retryDelaySeconds),
      },
    );
    ctx.job<{ mailId: string }>(
      'service',
      (data, scope) => sendServiceMail(scope.cradle.channelEmailRuntime, data, scope),
      {
        retryLimit: options.outbound.maxAttempts,
        retryDelaySeconds: Math.max(1, options.outbound.retryDelaySeconds),
      },
    );
    for (const route of emailRoutes()) ctx.route(route);
  },

  async boot(ctx) {
    const rt = ctx.resolve('channelEmailRuntime');
    // Service messages (verification, invitations, resets) go out through this plugin.
    const mailer = ctx.container.resolve('mailer') as unknown;
    if (mailer instanceof DatabaseMailer) rt.onClose(mailer.use(serviceTransport(rt)));
    await ensureDefaultInbox(rt).catch((error: Error) =>
      rt.logger.warn({ err: error }, 'email: could not create the default inbox'),
    );
    if (ctx.options.smtp.enabled) await ctx.resolve('channelEmailSmtp').start();
    if (ctx.options.imap.enabled) ctx.resolve('channelEmailImap').start();
  },

  async prepareShutdown(ctx) {
    await ctx.resolve('channelEmailSmtp').stop();
    await ctx.resolve('channelEmailImap').stop();
  },

  async shutdown(ctx) {
    ctx.resolve('channelEmailRuntime').close();
  },
});

export default emailChannel;
