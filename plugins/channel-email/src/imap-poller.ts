/**
 * IMAP polling for inboxes with `imap` settings. Per inbox and poll: connect (TLS, or STARTTLS
 * required unless the inbox allows plain text), open the mailbox, fetch every UID after the
 * stored cursor, store each message (`acceptRaw`: durable before anything else), then flag it
 * `\Seen` (or move it) and advance the cursor — UIDVALIDITY + last UID, kept in the database, so
 * restarts and reconnects resume where they stopped. A changed UIDVALIDITY restarts from the
 * beginning; duplicates by Message-ID (or content) store nothing, so a resync creates nothing new.
 */
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import { withWorkspace } from '@novumdesk/core';
import { sqlOf } from './db.js';
import { acceptRaw } from './inbound.js';
import type { EmailInboxSettings } from './options.js';
import type { EmailRuntime } from './runtime.js';

export interface PollResult {
  inboxId: string;
  fetched: number;
  stored: number;
  duplicates: number;
  resynced: boolean;
  error?: string;
}

export class ImapPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly rt: EmailRuntime) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pollAll()
        .catch((error) => this.rt.logger.warn({ err: error }, 'imap: poll failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.rt.options.imap.pollSeconds * 1000);
        });
    };
    this.timer = setTimeout(tick, 100);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Polls every inbox with IMAP settings once. */
  async pollAll(): Promise<PollResult[]> {
    const inboxes = await this.rt.systemSql()(
      `select distinct workspace_id, inbox_id from channel_email_route where imap`,
    );
    const results: PollResult[] = [];
    for (const row of inboxes) {
      if (this.stopped) break;
      results.push(await this.pollInbox(row.workspace_id, row.inbox_id));
    }
    return results;
  }

  async pollInbox(workspaceId: string, inboxId: string): Promise<PollResult> {
    const result: PollResult = { inboxId, fetched: 0, stored: 0, duplicates: 0, resynced: false };
    const { orm, channelInbound, clock } = this.rt.cradle;
    const loaded = await withWorkspace(orm.em.fork(), workspaceId, async (tx) => {
      const inbox = await channelInbound.inbox(tx, workspaceId, inboxId);
      const [cursor] = await sqlOf(tx)(
        `select uid_validity, last_uid from channel_email_imap_cursor where workspace_id = ? and inbox_id = ?`,
        [workspaceId, inboxId],
      );
      return { inbox, cursor };
    });
    const settings = loaded.inbox?.settings as EmailInboxSettings | undefined;
    if (!loaded.inbox?.enabled || !settings?.imap) return result;
    const imap = settings.imap;
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      doSTARTTLS: imap.secure ? undefined : imap.allowPlainText ? undefined : true,
      auth: { user: imap.user, pass: imap.password ?? '' },
      tls: {
        ...(imap.ca ? { ca: imap.ca } : {}),
        ...(isIP(imap.host) ? {} : { servername: imap.host }),
      },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', (error: Error) =>
      this.rt.logger.warn({ err: error, inboxId }, 'imap: connection error'),
    );
    try {
      await client.connect();
      const mailbox = await client.mailboxOpen(imap.mailbox);
      const validity = String(mailbox.uidValidity);
      let lastUid = 0;
      if (loaded.cursor && loaded.cursor.uid_validity === validity)
        lastUid = Number(loaded.cursor.last_uid);
      else if (loaded.cursor) result.resynced = true;
      const saveCursor = (uid: number) =>
        withWorkspace(orm.em.fork(), workspaceId, (tx) =>
          sqlOf(tx)(
            `insert into channel_email_imap_cursor (inbox_id, workspace_id, uid_validity, last_uid, updated_at)
             values (?, ?, ?, ?, ?)
             on conflict (inbox_id) do update set uid_validity = excluded.uid_validity,
               last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
            [inboxId, workspaceId, validity, uid, clock.now()],
          ),
        );
      if (result.resynced) await saveCursor(0);
      if (mailbox.exists > 0) {
        const uids: number[] = [];
        for await (const message of client.fetch(
          { uid: `${lastUid + 1}:*` },
          { uid: true, size: true },
          { uid: true },
        )) {
          if (message.uid > lastUid) uids.push(message.uid);
        }
        uids.sort((a, b) => a - b);
        for (const uid of uids) {
          if (this.stopped) break;
          const message = await client.fetchOne(
            String(uid),
            { source: true, size: true },
            { uid: true },
          );
          if (!message || !message.source) continue;
          result.fetched++;
          if (message.source.length <= this.rt.options.smtp.maxMessageBytes) {
            const accepted = await acceptRaw(this.rt, {
              workspaceId,
              inboxId,
              source: 'imap',
              raw: message.source,
              envelope: {},
            });
            if (accepted.duplicate) result.duplicates++;
            else result.stored++;
          } else {
            this.rt.logger.warn(
              { inboxId, uid, size: message.source.length },
              'imap: message over the size limit left in the mailbox',
            );
          }
          // Stored first; only then marked (or moved) and the cursor advanced.
          if (imap.moveTo) await client.messageMove(String(uid), imap.moveTo, { uid: true });
          else await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
          await saveCursor(uid);
        }
      }
    } catch (error) {
      result.error = (error as Error).message;
      this.rt.logger.warn({ err: error, inboxId }, 'imap: poll of an inbox failed');
    } finally {
      await client.logout().catch(() => client.close());
    }
    return result;
  }
}
