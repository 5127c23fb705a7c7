/**
 * The PII sweep (PRV-24): every text, JSON and array column of every table the database
 * catalogue lists (all schemas but PostgreSQL's own, so the job queue's too), plus every file
 * under the data directory, searched for the given strings. Runs as the test database's
 * superuser, so row-level security hides nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MembersHarness } from './testkit.test.js';

export interface SweepHit {
  where: string;
  needle: string;
  sample: string;
}

export async function piiSweep(h: MembersHarness, needles: readonly string[]): Promise<SweepHit[]> {
  const columns = await h.sql(
    `select c.table_schema, c.table_name, c.column_name
       from information_schema.columns c
       join information_schema.tables t
         on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema not in ('pg_catalog', 'information_schema', 'pg_toast')
        and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
             or c.data_type = 'ARRAY' or c.data_type = 'USER-DEFINED')
      order by 1, 2, 3`,
  );
  const hits: SweepHit[] = [];
  // LIKE patterns for the prefilter (a `_` or `%` in a needle only widens it: the per-column
  // check below is exact), as one array literal.
  const patterns = `{${needles
    .map((n) => `"%${n.toLowerCase().replace(/["\\]/g, (c) => `\\${c}`)}%"`)
    .join(',')}}`;
  // One query per table over all its columns; only a table with a hit is searched per column.
  const tables = new Map<string, string[]>();
  for (const column of columns) {
    const target = `"${column.table_schema}"."${column.table_name}"`;
    tables.set(target, [...(tables.get(target) ?? []), String(column.column_name)]);
  }
  for (const [target, cols] of tables) {
    const all = cols.map((c) => `coalesce(lower("${c}"::text), '')`).join(` || ' ' || `);
    const any = await h.sql(`select 1 from ${target} where (${all}) like any(?::text[]) limit 1`, [
      patterns,
    ]);
    if (any.length === 0) continue;
    for (const col of cols) {
      for (const needle of needles) {
        const rows = await h.sql(
          `select left("${col}"::text, 200) as sample from ${target}
            where strpos(lower("${col}"::text), lower(?)) > 0 limit 1`,
          [needle],
        );
        if (rows.length > 0) {
          hits.push({
            where: `${target.replaceAll('"', '')}.${col}`,
            needle,
            sample: String(rows[0].sample),
          });
        }
      }
    }
  }
  const dataDir = h.t.hd.config.dataDir;
  for (const file of await walk(dataDir)) {
    const text = (await readFile(file)).toString('latin1').toLowerCase();
    for (const needle of needles) {
      if (text.includes(needle.toLowerCase())) {
        hits.push({ where: `file ${path.relative(dataDir, file)}`, needle, sample: '' });
      }
    }
  }
  return hits;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else files.push(full);
  }
  return files;
}
