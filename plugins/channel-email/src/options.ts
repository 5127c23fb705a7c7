/**
 * The email plugin's options (`emailChannel({...})` in novumdesk.config.ts). Every default works
 * out of the box: an SMTP listener on 127.0.0.1:2525, a support inbox at `support@localhost` in
 * the first workspace, and — with no relay — outbound mail captured (stored, never sent).
 */
import { z } from 'zod';

/** An address; local domains (`support@localhost`) are fine, unlike `z.email()`. */
const address = () =>
  z
    .string()
    .trim()
    .max(254)
    .regex(/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/, 'must be an email address')
    .transform((a) => a.toLowerCase());

const template = z.strictObject({
  subject: z.string().optional(),
  text: z.string().optional(),
  html: z.string().optional(),
});
export type MailTemplate = z.infer<typeof template>;

export const EmailOptionsSchema = z.strictObject({
  /** The default inbox's address, created in the first workspace on first start. */
  supportAddress: address().default('support@localhost'),
  /** Create that inbox (set false to manage inboxes only through the API). */
  defaultInbox: z.boolean().default(true),
  smtp: z
    .strictObject({
      /** Run the SMTP listener in this process (web nodes of a scaled-out setup may not). */
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      /** 0 picks a free port (tests). */
      port: z.number().int().min(0).max(65535).default(2525),
      /** The name the listener greets with. */
      hostname: z.string().default('localhost'),
      /** Larger messages are refused (552) while they arrive. */
      maxMessageBytes: z
        .number()
        .int()
        .min(1024)
        .default(25 * 1024 * 1024),
      /** PEM certificate and key (text or file paths): STARTTLS is offered when both are set. */
      tls: z.strictObject({ cert: z.string(), key: z.string() }).optional(),
      /** Refuse MAIL FROM before STARTTLS when TLS is configured. */
      requireTls: z.boolean().default(false),
      /** Simultaneous SMTP connections. */
      maxClients: z.number().int().min(1).default(100),
    })
    .default({
      enabled: true,
      host: '127.0.0.1',
      port: 2525,
      hostname: 'localhost',
      maxMessageBytes: 25 * 1024 * 1024,
      requireTls: false,
      maxClients: 100,
    }),
  relay: z
    .strictObject({
      /** `smtp://user:pass@host:587` (STARTTLS required) or `smtps://…:465`. None: captured. */
      url: z.string().optional(),
      /** Allow a relay without TLS (a local MTA on 127.0.0.1); off by default. */
      allowPlainText: z.boolean().default(false),
      /** Extra CA certificate (PEM) to trust for the relay. */
      ca: z.string().optional(),
    })
    .default({ allowPlainText: false }),
  outbound: z
    .strictObject({
      /** Attempts on temporary (4xx) failures before the message is marked failed. */
      maxAttempts: z.number().int().min(1).max(50).default(8),
      /** First retry delay; doubled each attempt. */
      retryDelaySeconds: z.number().min(0).default(60),
    })
    .default({ maxAttempts: 8, retryDelaySeconds: 60 }),
  imap: z
    .strictObject({
      /** How often each inbox's IMAP mailbox is polled. */
      pollSeconds: z.number().min(0.2).default(60),
      /** Poll in this process. */
      enabled: z.boolean().default(true),
    })
    .default({ pollSeconds: 60, enabled: true }),
  /** Hard bounces after which an address is marked undeliverable (and no longer mailed). */
  undeliverableAfterHardBounces: z.number().int().min(1).default(2),
  /** Service-message templates by kind (`verify_email`, `invitation`, …, or `default`). */
  templates: z.record(z.string(), template).default({}),
  /** A directory with `<kind>.subject.txt`, `<kind>.txt`, `<kind>.html` overriding the above. */
  templatesDir: z.string().optional(),
  /** The sender name of service messages. */
  productName: z.string().default('NovumDesk'),
});

export type EmailOptions = z.infer<typeof EmailOptionsSchema>;
export type EmailOptionsInput = z.input<typeof EmailOptionsSchema>;

/**
 * Options from the environment: NOVUMDESK_SUPPORT_ADDRESS, NOVUMDESK_SMTP_PORT,
 * NOVUMDESK_SMTP_HOST, NOVUMDESK_SMTP_RELAY, NOVUMDESK_SMTP_RELAY_ALLOW_PLAIN,
 * NOVUMDESK_SMTP_TLS_CERT / _KEY (for novumdesk.config.ts, which is where the environment enters).
 */
export function emailOptionsFromEnv(
  env: Record<string, string | undefined>,
  base: EmailOptionsInput = {},
): EmailOptionsInput {
  const smtp = { ...base.smtp };
  if (env.NOVUMDESK_SMTP_PORT) smtp.port = Number(env.NOVUMDESK_SMTP_PORT);
  if (env.NOVUMDESK_SMTP_HOST) smtp.host = env.NOVUMDESK_SMTP_HOST;
  if (env.NOVUMDESK_SMTP_TLS_CERT && env.NOVUMDESK_SMTP_TLS_KEY) {
    smtp.tls = { cert: env.NOVUMDESK_SMTP_TLS_CERT, key: env.NOVUMDESK_SMTP_TLS_KEY };
  }
  const relay = { ...base.relay };
  if (env.NOVUMDESK_SMTP_RELAY) relay.url = env.NOVUMDESK_SMTP_RELAY;
  if (env.NOVUMDESK_SMTP_RELAY_ALLOW_PLAIN === 'true') relay.allowPlainText = true;
  return {
    ...base,
    ...(env.NOVUMDESK_SUPPORT_ADDRESS ? { supportAddress: env.NOVUMDESK_SUPPORT_ADDRESS } : {}),
    smtp,
    relay,
  };
}

/** An email inbox's settings (validated by the provider; `imap.password`, `inboundToken` secret). */
export const EmailInboxSettingsSchema = z.strictObject({
  /** The address mail for this inbox is sent to; also the From of replies. */
  address: address(),
  /** Further addresses delivered to this inbox. */
  aliases: z.array(address()).max(20).default([]),
  /** The name replies are sent under. */
  fromName: z.string().trim().max(200).optional(),
  /** Poll this IMAP mailbox. */
  imap: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(993),
      /** true: TLS from the start (993); false: STARTTLS, required unless `allowPlainText`. */
      secure: z.boolean().default(true),
      allowPlainText: z.boolean().default(false),
      user: z.string().min(1),
      password: z.string().optional(),
      mailbox: z.string().default('INBOX'),
      /** Where processed mail is moved; unset: it is flagged \\Seen and left. */
      moveTo: z.string().optional(),
      /** Extra CA certificate (PEM) to trust. */
      ca: z.string().optional(),
    })
    .optional(),
  /** Bearer token for the raw-MIME HTTP endpoint of this inbox (MTA pipes, parse services). */
  inboundToken: z.string().min(24).max(200).optional(),
  /** Tags every new ticket of this inbox gets. */
  tags: z.array(z.string().trim().toLowerCase().min(1).max(100)).max(20).default([]),
});
export type EmailInboxSettings = z.infer<typeof EmailInboxSettingsSchema>;

export const EMAIL_SECRETS = ['imap.password', 'inboundToken'] as const;
