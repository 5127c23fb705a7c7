/**
 * Service messages (verification, reset, invitations). The core's default Mailer stores each
 * message in `mail_message` and sends nothing: a fresh install works without SMTP, an operator
 * (or a test) can read the message there, and an email plugin can take over delivery.
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

export class DatabaseMailer implements Mailer {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async send(message: MailerMessage, options: MailerSendOptions = {}): Promise<void> {
    const id = uuidv7();
    const sql = options.em ? sqlFor(options.em) : systemSql(this.orm);
    await sql(
      `insert into mail_message (id, workspace_id, to_address, subject, text, html, kind, status, created_at)
       values (?, ?, ?, ?, ?, ?, ?, 'stored', ?)`,
      [
        id,
        message.workspaceId ?? null,
        message.to,
        message.subject,
        message.text,
        message.html ?? null,
        message.kind,
        this.clock.now(),
      ],
    );
    this.logger.info(
      { mailId: id, kind: message.kind },
      'service message stored (no mail transport configured)',
    );
  }
}
