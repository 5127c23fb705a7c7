/**
 * Service messages (verification, reset, invitations). The core's default Mailer stores each
 * message in `mail_message` and sends nothing: a fresh install works without SMTP, an operator
 * (or a test) can read the message there, and an email plugin takes over delivery by plugging
 * a `MailTransport` into it (templates + delivery from the stored row).
 *
 * The message itself may hold a one-time link, so only its id and kind are logged, never its
 * recipient, subject or body.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { sqlFor, systemSql } from './db.js';

export interface MailerMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** `verify_email`, `reset_password`, `invitation`, … (logged, and kept with the message). */
  kind: string;
  workspaceId?: string | null;
}

export interface MailerSendOptions {
  /**
   * The caller's open transaction, if any: the message is then stored in it (and rolls back
   * with it). Required inside a request's workspace transaction, where a statement on another
   * connection would wait for that transaction forever in embedded mode.
   */
  em?: EntityManager;
}

export interface Mailer {
  send(message: MailerMessage, options?: MailerSendOptions): Promise<void>;
}

/** A service message as stored in `mail_message`, handed to the transport to deliver. */
export interface StoredMail extends MailerMessage {
  id: string;
}

/**
 * What an email plugin plugs into the default Mailer (`mailer.use(transport)` in its boot):
 * `render` applies its templates before the message is stored (the stored text is what is
 * sent); `enqueue` schedules delivery of the stored message — inside the caller's transaction
 * when `options.em` is given (send jobs with `{ em }`), so a rolled-back sign-up sends nothing.
 * The transport then moves the row's `status` on (`sent`, `captured`, `failed`).
 */
export interface MailTransport {
  /** Shown in logs: `channel-email`. */
  readonly name: string;
  render?(message: MailerMessage): MailerMessage | Promise<MailerMessage>;
  enqueue(mail: StoredMail, options: MailerSendOptions): Promise<void>;
}

/**
 * The identity module's Mailer. Alone it stores (`status = 'stored'`); with a transport plugged
 * in (`use`), it renders through the transport's templates, stores with `status = 'queued'` and
 * lets the transport deliver from the stored row.
 */
export class DatabaseMailer implements Mailer {
  private transport: MailTransport | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Plugs in a transport; returns the function that unplugs it (plugin shutdown). */
  use(transport: MailTransport): () => void {
    if (this.transport && this.transport !== transport) {
      throw new Error(
        `mailer: transport "${this.transport.name}" is already in use; "${transport.name}" cannot replace it`,
      );
    }
    this.transport = transport;
    return () => {
      if (this.transport === transport) this.transport = null;
    };
  }

  get transportName(): string | null {
    return this.transport?.name ?? null;
  }

  async send(input: MailerMessage, options: MailerSendOptions = {}): Promise<void> {
    const transport = this.transport;
    const message = transport?.render ? await transport.render(input) : input;
    const id = uuidv7();
    const sql = options.em ? sqlFor(options.em) : systemSql(this.orm);
    await sql(
      `insert into mail_message (id, workspace_id, to_address, subject, text, html, kind, status, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        message.workspaceId ?? null,
        message.to,
        message.subject,
        message.text,
        message.html ?? null,
        message.kind,
        transport ? 'queued' : 'stored',
        this.clock.now(),
      ],
    );
    if (transport) {
      await transport.enqueue({ ...message, id }, options);
      this.logger.info(
        { mailId: id, kind: message.kind },
        `service message queued (${transport.name})`,
      );
      return;
    }
    this.logger.info(
      { mailId: id, kind: message.kind },
      'service message stored (no mail transport configured)',
    );
  }
}
