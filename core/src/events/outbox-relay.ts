/**
 * Moves committed outbox rows into their subscribers' job queues. Each batch is one transaction:
 * rows are claimed with SKIP LOCKED (several nodes may relay side by side), the jobs are inserted
 * on the same connection and the rows marked dispatched, so an event reaches each subscriber
 * queue exactly once even if the process dies mid-batch.
 */
import type pg from 'pg';
import type { Logger } from '../kernel/logger.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { EventBus, EventEnvelope } from './event-bus.js';

const BATCH = 200;

interface OutboxRow {
  position: string;
  id: string;
  name: string;
  workspace_id: string | null;
  payload: Record<string, unknown>;
  actor: { kind: string; id: string } | null;
  request_id: string | null;
  occurred_at: Date;
}

export interface OutboxRelayOptions {
  pool: pg.Pool;
  bus: EventBus;
  jobs: JobQueue;
  logger: Logger;
  /** Safety-net poll for events committed by other processes. */
  intervalMs?: number;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.poke(), this.options.intervalMs ?? 1000);
    this.timer.unref();
    this.poke();
  }

  /** Asks for a relay pass soon; calls while one runs coalesce into one more pass. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error) =>
        this.options.logger.error({ err: error }, 'outbox relay failed; will retry'),
      )
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Relays until the outbox is empty; returns how many events were relayed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const relayed = await this.relayBatch();
      total += relayed;
      if (relayed < BATCH) return total;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async relayBatch(): Promise<number> {
    const { pool, bus, jobs } = this.options;
    const client = await pool.connect();
    const woken = new Set<string>();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT position, id, name, workspace_id, payload, actor, request_id, occurred_at
           FROM domain_event WHERE dispatched_at IS NULL
          ORDER BY position LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const db = {
        executeSql: (text: string, values?: unknown[]) => client.query(text, values as never[]),
      };
      for (const row of rows) {
        const envelope: EventEnvelope = {
          id: row.id,
          name: row.name,
          position: String(row.position),
          workspaceId: row.workspace_id,
          payload: row.payload,
          actor: row.actor,
          requestId: row.request_id,
          occurredAt: new Date(row.occurred_at).toISOString(),
        };
        for (const subscription of bus.subscribersOf(row.name)) {
          await jobs.send(subscription.queue, envelope, { db });
          woken.add(subscription.queue);
        }
      }
      if (rows.length) {
        await client.query(
          'UPDATE domain_event SET dispatched_at = now() WHERE position = ANY($1::bigint[])',
          [rows.map((r) => r.position)],
        );
      }
      await client.query('COMMIT');
      for (const queue of woken) jobs.wake(queue);
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
