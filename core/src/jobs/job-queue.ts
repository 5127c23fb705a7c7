/**
 * Background jobs on pg-boss, in the same database as everything else (both modes: in embedded
 * mode pg-boss connects through the PGlite bridge like any client).
 *
 * Every queue gets a dead-letter queue `<name>__dead`: a job that exhausts its retries lands there
 * with its payload, visible through the API until it is retried or expires.
 */
import { PgBoss, fromKnex, type Db, type Job } from 'pg-boss';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../kernel/logger.js';
import { NovumError } from '../kernel/errors.js';
import type { ConnectionSettings } from '../data/connection.js';

export const DEAD_LETTER_SUFFIX = '__dead';
const QUEUE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

export interface JobContext {
  id: string;
  name: string;
  retryCount: number;
  signal: AbortSignal;
}

export interface JobDefinition<T extends object = object> {
  /** Queue name: `<owner>.<name>`, letters, digits, `.`, `_`, `-`. */
  name: string;
  owner: string;
  handler(data: T, job: JobContext): Promise<void>;
  /** Attempts after the first; then the job is dead-lettered. Default 5. */
  retryLimit?: number;
  /** First retry delay in seconds, doubled each attempt (with jitter). Default 2. */
  retryDelaySeconds?: number;
  /** A cron expression (UTC) to enqueue the job on a schedule. */
  cron?: string;
  expireInSeconds?: number;
  /** Jobs fetched and run at once by this process. Default 1. */
  concurrency?: number;
}

export interface SendOptions {
  /** Deduplicates: a second send with the same key while one is queued or active is dropped. */
  singletonKey?: string;
  startAfter?: Date | number;
  /** Enqueue inside this MikroORM transaction (atomic with it). */
  em?: EntityManager;
  /** Enqueue inside this raw executor (e.g. the outbox relay's transaction). */
  db?: Db;
}

export interface DeadLetter {
  id: string;
  queue: string;
  data: unknown;
  createdOn: Date;
  output: unknown;
}

export interface QueueSummary {
  name: string;
  owner: string;
  queued: number;
  active: number;
  deadLetters: number;
  cron?: string;
}

export interface JobQueueOptions {
  connection: ConnectionSettings;
  logger: Logger;
  pollIntervalSeconds: number;
  poolSize?: number;
}

export class JobQueue {
  private readonly definitions = new Map<string, JobDefinition<any>>();
  private boss: PgBoss | null = null;
  private readonly workerIds = new Map<string, string[]>();
  private started = false;

  constructor(private readonly options: JobQueueOptions) {}

  define<T extends object>(definition: JobDefinition<T>): void {
    if (this.started)
      throw new NovumError('JOBS_STARTED', `cannot define job "${definition.name}" after start`);
    if (!QUEUE_NAME.test(definition.name)) {
      throw new NovumError(
        'JOB_NAME_INVALID',
        `job name "${definition.name}" of "${definition.owner}" is invalid`,
      );
    }
    const existing = this.definitions.get(definition.name);
    if (existing) {
      throw new NovumError(
        'JOB_DUPLICATE',
        `job "${definition.name}" is defined by "${existing.owner}" and "${definition.owner}"`,
      );
    }
    this.definitions.set(definition.name, definition);
  }

  get names(): string[] {
    return [...this.definitions.keys()];
  }

  /** Installs pg-boss's schema if needed, creates the queues, and (optionally) starts workers. */
  async start({ workers }: { workers: boolean }): Promise<void> {
    if (this.started) return;
    const { connection, logger } = this.options;
    const boss = new PgBoss({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      password: connection.password,
      database: connection.database,
      ...(connection.ssl ? { ssl: true } : {}),
      max: this.options.poolSize ?? 4,
      schema: 'pgboss',
      application_name: 'novumdesk-jobs',
      schedule: workers,
      supervise: workers,
    });
    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    boss.on('warning', (warning) => logger.warn({ warning }, 'job queue warning'));
    await boss.start();
    this.boss = boss;
    for (const definition of this.definitions.values()) await this.createQueue(definition);
    if (workers) {
      for (const definition of this.definitions.values()) await this.startWorker(definition);
      for (const definition of this.definitions.values()) {
        if (definition.cron)
          await boss.schedule(definition.name, definition.cron, {}, { tz: 'UTC' });
      }
    }
    this.started = true;
  }

  async send<T extends object>(
    name: string,
    data: T,
    options: SendOptions = {},
  ): Promise<string | null> {
    const boss = this.requireBoss();
    if (!this.definitions.has(name)) throw new NovumError('JOB_UNKNOWN', `no job named "${name}"`);
    const db = options.db ?? (options.em ? transactionExecutor(options.em) : undefined);
    const id = await boss.send(name, data, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
      ...(db ? { db } : {}),
    });
    // Sent outside a transaction: the row is visible now, so wake our worker at once instead of
    // waiting for its next poll. (Inside one, the caller wakes it after commit via `wake`.)
    if (!db) this.wake(name);
    return id;
  }

  /** Wakes this process's workers of `name` so committed jobs start without waiting for a poll. */
  wake(name: string): void {
    for (const id of this.workerIds.get(name) ?? []) this.boss?.notifyWorker(id);
  }

  async summary(): Promise<QueueSummary[]> {
    const boss = this.requireBoss();
    const names = [...this.definitions.keys()];
    // Counted from the job table: pg-boss's cached queue counters lag by its monitor interval.
    const { rows } = await boss.getDb().executeSql(
      `SELECT name, state, count(*)::int AS n FROM pgboss.job
        WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active') GROUP BY 1, 2`,
      [[...names, ...names.map((n) => n + DEAD_LETTER_SUFFIX)]],
    );
    const count = (name: string, states: string[]) =>
      rows.filter((r) => r.name === name && states.includes(r.state)).reduce((a, r) => a + r.n, 0);
    return [...this.definitions.values()].map((definition) => ({
      name: definition.name,
      owner: definition.owner,
      queued: count(definition.name, ['created', 'retry']),
      active: count(definition.name, ['active']),
      deadLetters: count(definition.name + DEAD_LETTER_SUFFIX, ['created', 'retry', 'active']),
      ...(definition.cron ? { cron: definition.cron } : {}),
    }));
  }

  async deadLetters(name: string, limit = 100): Promise<DeadLetter[]> {
    const boss = this.requireBoss();
    if (!this.definitions.has(name))
      throw new NovumError('JOB_UNKNOWN', `no job named "${name}"`, { status: 404 });
    const jobs = await boss.findJobs(name + DEAD_LETTER_SUFFIX, { queued: true, limit });
    return jobs.map((job) => ({
      id: job.id,
      queue: name,
      data: job.data,
      createdOn: job.createdOn,
      output: job.output,
    }));
  }

  /** Moves dead-lettered jobs back to their queue for another round of attempts. */
  async retryDeadLetters(name: string, ids?: string[]): Promise<number> {
    const boss = this.requireBoss();
    if (!this.definitions.has(name))
      throw new NovumError('JOB_UNKNOWN', `no job named "${name}"`, { status: 404 });
    const moved = await boss.redrive(name + DEAD_LETTER_SUFFIX, {
      destination: name,
      ...(ids ? { ids } : {}),
    });
    this.wake(name);
    return moved;
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    this.started = false;
    this.workerIds.clear();
    if (boss) await boss.stop({ graceful: true, timeout: 10_000, close: true });
  }

  private async createQueue(definition: JobDefinition<any>): Promise<void> {
    const boss = this.requireBoss();
    const dead = definition.name + DEAD_LETTER_SUFFIX;
    if (!(await boss.getQueue(dead)))
      await boss.createQueue(dead, { retentionSeconds: 30 * 86400 });
    const options = {
      retryLimit: definition.retryLimit ?? 5,
      retryDelay: definition.retryDelaySeconds ?? 2,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: definition.expireInSeconds ?? 900,
      deadLetter: dead,
    };
    if (await boss.getQueue(definition.name)) {
      const { deadLetter: _unchanged, ...updatable } = options;
      await boss.updateQueue(definition.name, updatable);
    } else {
      await boss.createQueue(definition.name, options);
    }
  }

  private async startWorker(definition: JobDefinition<any>): Promise<void> {
    const boss = this.requireBoss();
    const { logger, pollIntervalSeconds } = this.options;
    const concurrency = definition.concurrency ?? 1;
    const ids: string[] = [];
    for (let i = 0; i < concurrency; i++) {
      const id = await boss.work(
        definition.name,
        { pollingIntervalSeconds: pollIntervalSeconds, batchSize: 1 },
        async ([job]: Job<object>[]) => {
          if (!job) return;
          const started = Date.now();
          try {
            await definition.handler(job.data, {
              id: job.id,
              name: job.name,
              retryCount: job.retryCount,
              signal: job.signal,
            });
            logger.debug({ job: job.name, jobId: job.id, ms: Date.now() - started }, 'job done');
          } catch (error) {
            logger.warn(
              {
                job: job.name,
                jobId: job.id,
                owner: definition.owner,
                attempt: job.retryCount + 1,
                err: error,
              },
              'job failed',
            );
            throw error;
          }
        },
      );
      ids.push(id);
    }
    this.workerIds.set(definition.name, ids);
  }

  private requireBoss(): PgBoss {
    if (!this.boss) throw new NovumError('JOBS_NOT_STARTED', 'the job queue is not started');
    return this.boss;
  }
}

/** pg-boss statements run on the MikroORM transaction's own connection (atomic with it). */
export function transactionExecutor(em: EntityManager): Db {
  const trx = em.getTransactionContext();
  if (!trx) {
    throw new NovumError(
      'JOB_OUTSIDE_TRANSACTION',
      'send({ em }) needs an em inside em.transactional()',
    );
  }
  return fromKnex(trx as never);
}
