/**
 * One MikroORM instance for the core and every plugin: their entities merged (a clash of entity
 * or table names is an error naming both owners), their migrations in one history table.
 */
import { MikroORM, PostgreSqlDriver, type EntitySchema } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { EventSubscriber, MigrationObject } from '@mikro-orm/core';
import type { Logger } from '../kernel/logger.js';
import { NovumError } from '../kernel/errors.js';
import type { ConnectionSettings } from './connection.js';

export const MIGRATIONS_TABLE = 'novumdesk_migrations';

export interface OwnedEntities {
  owner: string;
  entities: EntitySchema<any, any>[];
}

export interface CreateOrmOptions {
  connection: ConnectionSettings;
  entities: OwnedEntities[];
  migrations: MigrationObject[];
  poolSize: number;
  logger: Logger;
  subscribers?: EventSubscriber[];
}

export async function createOrm(options: CreateOrmOptions): Promise<MikroORM> {
  const entities = mergeEntities(options.entities);
  const { connection } = options;
  return MikroORM.init({
    driver: PostgreSqlDriver,
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    dbName: connection.database,
    ...(connection.ssl ? { driverOptions: { connection: { ssl: true } } } : {}),
    entities,
    discovery: { warnWhenNoEntities: false },
    subscribers: options.subscribers ?? [],
    allowGlobalContext: false,
    pool: { min: 0, max: options.poolSize },
    extensions: [Migrator],
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: false,
      snapshot: false,
      silent: true,
    },
    logger: (message) => options.logger.debug({ orm: true }, message),
  });
}

function mergeEntities(owned: OwnedEntities[]): EntitySchema<any, any>[] {
  const byName = new Map<string, string>();
  const byTable = new Map<string, string>();
  const all: EntitySchema<any, any>[] = [];
  for (const { owner, entities } of owned) {
    for (const entity of entities) {
      const name = entity.meta.className;
      const table = entity.meta.tableName ?? entity.meta.collection;
      const clash = byName.get(name) ?? (table ? byTable.get(table) : undefined);
      if (clash) {
        throw new NovumError(
          'ENTITY_CLASH',
          `entity "${name}" (table ${table}) of "${owner}" clashes with one of "${clash}"`,
        );
      }
      byName.set(name, owner);
      if (table) byTable.set(table, owner);
      all.push(entity);
    }
  }
  return all;
}
