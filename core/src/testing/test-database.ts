/**
 * Which database a test suite runs on: `NOVUMDESK_TEST_DB=pglite` (default; an in-memory
 * embedded database per suite) or `postgres` (a fresh database per suite on the server at
 * NOVUMDESK_TEST_PG_URL, dropped afterwards, so jest workers never share state).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export type TestDbKind = 'pglite' | 'postgres';

export const testDbKind = (): TestDbKind =>
  process.env.NOVUMDESK_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export const testPgAdminUrl = (): string =>
  process.env.NOVUMDESK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  kind: TestDbKind;
  /** Set for postgres: a database made for this suite. Unset for pglite (embedded, in memory). */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<TestDatabase> {
  if (kind === 'pglite') return { kind, drop: async () => undefined };
  const admin = new pg.Client({ connectionString: testPgAdminUrl() });
  await admin.connect();
  const name = `novumdesk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPgAdminUrl());
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: testPgAdminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
