/**
 * The plugin's shared state in one container singleton (`channelEmailRuntime`): options, the
 * signer, the relay transport, and the address routing table. Everything else receives it.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { CoreCradle, Logger } from '@novumdesk/core';
import { sqlOf, type Sql } from './db.js';
import type { EmailOptions } from './options.js';
import { Signer, baseAddress } from './signing.js';

export interface InboxRoute {
  address: string;
  workspaceId: string;
  inboxId: string;
}

export class EmailRuntime {
  readonly signer: Signer;
  private relay: Transporter | null | undefined;

  constructor(
    readonly cradle: CoreCradle,
    readonly options: EmailOptions,
    readonly logger: Logger,
  ) {
    this.signer = new Signer(cradle.config.secret);
  }

  /** SQL as the login role, outside any workspace (the global routing table only). */
  systemSql(): Sql {
    return sqlOf(this.cradle.orm.em.fork());
  }

  private defaulting: Promise<InboxRoute | null> | null = null;

  /** `route()`, creating the default support inbox on the first mail for its address. */
  async routeForDelivery(
    address: string,
    ensureDefault: (rt: EmailRuntime) => Promise<InboxRoute | null>,
  ): Promise<InboxRoute | null> {
    const found = await this.route(address);
    if (found || baseAddress(address) !== this.options.supportAddress.toLowerCase()) return found;
    this.defaulting ??= ensureDefault(this).finally(() => (this.defaulting = null));
    return this.defaulting;
  }

  /**
   * The inbox an address (or its `+tag` variant) is delivered to, or null. Inside a workspace
   * transaction pass its `sql`: another connection would wait for that transaction (embedded).
   */
  async route(address: string, sql: Sql = this.systemSql()): Promise<InboxRoute | null> {
    const base = baseAddress(address);
    const [row] = await sql(
      `select address, workspace_id, inbox_id from channel_email_route where address = ?`,
      [base],
    );
    return row
      ? { address: row.address, workspaceId: row.workspace_id, inboxId: row.inbox_id }
      : null;
  }

  async routeOfInbox(inboxId: string): Promise<InboxRoute | null> {
    const [row] = await this.systemSql()(
      `select address, workspace_id, inbox_id from channel_email_route where inbox_id = ? limit 1`,
      [inboxId],
    );
    return row
      ? { address: row.address, workspaceId: row.workspace_id, inboxId: row.inbox_id }
      : null;
  }

  async isOwnAddress(address: string, sql: Sql): Promise<boolean> {
    return (await this.route(address, sql)) !== null;
  }

  /** The relay transport, or null when none is configured (outbound mail is then captured). */
  relayTransport(): Transporter | null {
    if (this.relay !== undefined) return this.relay;
    const { url, allowPlainText, ca } = this.options.relay;
    if (!url) return (this.relay = null);
    const parsed = new URL(url);
    const secure = parsed.protocol === 'smtps:';
    this.relay = nodemailer.createTransport({
      host: parsed.hostname,
      port: Number(parsed.port) || (secure ? 465 : 587),
      secure,
      // TLS to the relay is required unless the operator allows plain text (a local MTA).
      requireTLS: !secure && !allowPlainText,
      ignoreTLS: false,
      ...(parsed.username
        ? {
            auth: {
              user: decodeURIComponent(parsed.username),
              pass: decodeURIComponent(parsed.password),
            },
          }
        : {}),
      tls: { ...(ca ? { ca } : {}), servername: parsed.hostname },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    return this.relay;
  }

  private readonly closers: (() => void)[] = [];

  /** Runs `fn` on close (unplugging from the Mailer, …). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  close(): void {
    for (const fn of this.closers.splice(0)) fn();
    this.relay?.close();
    this.relay = undefined;
  }
}
