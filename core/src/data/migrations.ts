/**
 * Migrations of the core and every plugin, applied in dependency order (core first) from one
 * history table. `start` refuses an unmigrated server database; `novumdesk migrate` applies.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import { NovumError } from '../kernel/errors.js';

export interface OwnedMigrations {
  owner: string;
  migrations: MigrationObject[];
}

/**
 * Flattens per-owner lists (already in dependency order) and checks each name carries its
 * owner's prefix, so two packages can never claim the same history row.
 */
export function collectMigrations(owned: OwnedMigrations[]): MigrationObject[] {
  const seen = new Set<string>();
  const all: MigrationObject[] = [];
  for (const { owner, migrations } of owned) {
    for (const migration of migrations) {
      if (!migration.name.startsWith(`${owner}/`)) {
        throw new NovumError(
          'MIGRATION_NAME_INVALID',
          `migration "${migration.name}" of "${owner}" must be named "${owner}/Migration…"`,
        );
      }
      if (seen.has(migration.name)) {
        throw new NovumError(
          'MIGRATION_DUPLICATE',
          `migration "${migration.name}" is listed twice`,
        );
      }
      seen.add(migration.name);
      all.push(migration);
    }
  }
  return all;
}

const migrator = (orm: MikroORM) => orm.getMigrator() as Migrator;

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await migrator(orm).getPendingMigrations()).map((m) => m.name);
}

/** Applies pending migrations one by one, reporting each as it completes. */
export async function applyMigrations(
  orm: MikroORM,
  onProgress?: (event: { name: string; index: number; total: number }) => void,
): Promise<string[]> {
  const pending = await pendingMigrations(orm);
  const applied: string[] = [];
  for (const [index, name] of pending.entries()) {
    await migrator(orm).up({ migrations: [name] });
    applied.push(name);
    onProgress?.({ name, index: index + 1, total: pending.length });
  }
  return applied;
}
