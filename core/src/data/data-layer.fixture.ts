/**
 * A kernel-less fixture for data-layer tests: the database in the suite's mode, the ORM with a
 * probe entity, the job queue and the outbox relay — the same pieces createHelpdesk assembles.
 */
import { EntitySchema, type MikroORM } from '@mikro-orm/postgresql';
import { Migration } from '@mikro-orm/migrations';
import { pino } from 'pino';
import { resolveConfig } from '../kernel/config/load.js';
import { systemClock } from '../kernel/clock.js';
import { openDatabase, type Database } from './connection.js';
import { createOrm } from './orm.js';
import { applyMigrations, collectMigrations } from './migrations.js';
import { coreMigrations } from '../migrations/index.js';
import { DomainEventSchema } from '../events/domain-event.entity.js';
import { EventBus } from '../events/event-bus.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import { OutboxPokeSubscriber } from '../events/orm-subscriber.js';
import { JobQueue } from '../jobs/job-queue.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';

export interface Probe {
  id: number;
  label: string;
}
export const ProbeSchema = new EntitySchema<Probe>({
  name: 'Probe',
  tableName: 'probe',
  properties: { id: { type: 'integer', primary: true }, label: { type: 'text' } },
});
class ProbeMigration extends Migration {
  override up(): void {
    this.addSql('create table probe (id integer primary key, label text not null)');
  }
}

export interface DataFixture {
  db: Database;
  orm: MikroORM;
  jobs: JobQueue;
  bus: EventBus;
  relay: OutboxRelay;
  close(): Promise<void>;
}

export async function openDataFixture(
  defineJobs: (jobs: JobQueue, bus: EventBus) => void = () => undefined,
): Promise<DataFixture> {
  const testDb: TestDatabase = await createTestDatabase();
  const config = resolveConfig({
    database: testDb.url ? { url: testDb.url } : {},
    secret: 'x'.repeat(32),
  });
  const logger = pino({ level: 'silent' });
  const db = await openDatabase(config, { inMemory: true });
  let relay: OutboxRelay | null = null;
  const orm = await createOrm({
    connection: db.connection,
    entities: [
      { owner: 'core', entities: [DomainEventSchema, ProbeSchema as EntitySchema<any, any>] },
    ],
    migrations: collectMigrations([
      { owner: 'core', migrations: coreMigrations },
      { owner: 'test', migrations: [{ name: 'test/Migration1_probe', class: ProbeMigration }] },
    ]),
    poolSize: 4,
    logger,
    subscribers: [new OutboxPokeSubscriber(() => relay?.poke())],
  });
  await applyMigrations(orm);
  const bus = new EventBus(systemClock);
  const jobs = new JobQueue({ connection: db.connection, logger, pollIntervalSeconds: 0.5 });
  defineJobs(jobs, bus);
  await jobs.start({ workers: true });
  relay = new OutboxRelay({ pool: db.pool, bus, jobs, logger, intervalMs: 200 });
  relay.start();
  return {
    db,
    orm,
    jobs,
    bus,
    relay,
    async close() {
      await relay?.stop();
      await jobs.stop();
      await orm.close();
      await db.close();
      await testDb.drop();
    },
  };
}

export { eventually } from '../testing/eventually.js';
