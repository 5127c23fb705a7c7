/**
 * How a message reaches every web node's streams.
 *
 * - Server mode (`PgNotifyTransport`): one dedicated connection per node LISTENs on
 *   `novumdesk_realtime`. Domain events arrive from the outbox trigger (NOTIFY at commit);
 *   presence changes are published with `pg_notify`. A lost connection reconnects with backoff.
 * - Embedded mode (`LocalTransport`): PGlite is one session, so LISTEN across connections is
 *   unreliable; one process serves everything, and committed events are read from the outbox by
 *   position (commits are serialized there, so positions arrive in commit order) while at least
 *   one stream is open.
 */
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../kernel/logger.js';
import { parseDatabaseUrl } from '../data/connection.js';
import { sqlFor } from '../identity/db.js';
import { eventsAfter, latestPosition } from './events-sql.js';
import { REALTIME_CHANNEL, type RealtimeMessage } from './messages.js';

export interface Transport {
  /** Starts receiving (idempotent); resolves once messages published from now on will arrive. */
  start(): Promise<void>;
  publish(message: RealtimeMessage): Promise<void>;
  stop(): Promise<void>;
}

type Deliver = (message: RealtimeMessage) => void;

export class PgNotifyTransport implements Transport {
  private client: pg.Client | null = null;
  private starting: Promise<void> | null = null;
  private stopped = false;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly orm: MikroORM,
    private readonly deliver: Deliver,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.stopped = false;
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      ...parseDatabaseUrl(this.databaseUrl),
      application_name: 'novumdesk-realtime',
    });
    client.on('notification', (note) => {
      if (note.channel === REALTIME_CHANNEL && note.payload) void this.receive(note.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    await client.connect();
    await client.query(`LISTEN ${REALTIME_CHANNEL}`);
    this.client = client;
    this.retryMs = 500;
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    this.starting = null;
    if (this.stopped) return;
    this.logger.warn({ err: error }, 'realtime: LISTEN connection lost; reconnecting');
    client.end().catch(() => undefined);
    const retry = () => {
      this.retryTimer = null;
      if (this.stopped) return;
      this.start().catch(() => {
        this.retryMs = Math.min(this.retryMs * 2, 30_000);
        this.retryTimer = setTimeout(retry, this.retryMs);
        this.retryTimer.unref();
      });
    };
    this.retryTimer = setTimeout(retry, this.retryMs);
    this.retryTimer.unref();
  }

  private async receive(text: string): Promise<void> {
    try {
      const message = JSON.parse(text) as RealtimeMessage & { truncated?: boolean };
      if (message.kind === 'event' && message.truncated) {
        // Too large for NOTIFY: read the committed row itself.
        const before = (BigInt(message.position) - 1n).toString();
        const [full] = await eventsAfter(sqlFor(this.orm.em.fork()), before, 1);
        if (full && full.id === message.id) this.deliver(full);
        return;
      }
      this.deliver(message);
    } catch (error) {
      this.logger.warn({ err: error }, 'realtime: an unreadable notification was dropped');
    }
  }

  async publish(message: RealtimeMessage): Promise<void> {
    await sqlFor(this.orm.em.fork())('select pg_notify(?, ?)', [
      REALTIME_CHANNEL,
      JSON.stringify(message),
    ]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.starting = null;
    await client?.end().catch(() => undefined);
  }
}

export class LocalTransport implements Transport {
  /** The last outbox position forwarded; null while nobody listens (re-read on the next start). */
  private last: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private positioning: Promise<void> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly deliver: Deliver,
    private readonly logger: Logger,
    /** Whether any stream is open: the outbox is only read while someone listens. */
    private readonly wanted: () => boolean,
    private readonly intervalMs = 200,
  ) {}

  async start(): Promise<void> {
    if (!this.timer) {
      this.timer = setInterval(() => this.poll(), this.intervalMs);
      this.timer.unref();
    }
    if (this.last !== null) return;
    this.positioning ??= latestPosition(sqlFor(this.orm.em.fork()))
      .then((position) => {
        this.last ??= position;
      })
      .finally(() => {
        this.positioning = null;
      });
    await this.positioning;
  }

  private poll(): void {
    if (this.polling) return;
    if (!this.wanted()) {
      this.last = null;
      return;
    }
    if (this.last === null) return;
    this.polling = (async () => {
      for (;;) {
        const batch = await eventsAfter(sqlFor(this.orm.em.fork()), this.last!, 500);
        for (const message of batch) {
          this.last = message.position;
          this.deliver(message);
        }
        if (batch.length < 500) return;
      }
    })()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'realtime: outbox read failed'))
      .finally(() => {
        this.polling = null;
      });
  }

  async publish(message: RealtimeMessage): Promise<void> {
    this.deliver(message);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    this.last = null;
  }
}
