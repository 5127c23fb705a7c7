// Seeds for the large-data (--scale) scenarios. Each seed builds a data set once and is kept
// between runs (in the `novumdesk_bench` PostgreSQL database, or the embedded data dir under
// bench/.data/), so a --scale run only pays for seeding the first time or after a version bump.
//
// A seed module (one file per data set in this folder, registered below):
//   export default {
//     name: 'tickets-100k',
//     version: 1,                       // bump when the data shape changes: it reseeds
//     async seed(ctx) { … },            // ctx: { hd, url, database, admin: { email }, log }
//   };
// A scenario lists the seeds it needs: `{ scale: true, seeds: ['tickets-100k'], … }`.
//
// Done seeds are recorded in bench/.data/seeds.json under the database's identity (URL + OID,
// so a recreated database reseeds); deleting that file (or bench/.data/) forces a reseed. A seed must be idempotent: clear what it owns first.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Registered seeds, by name. */
export const seeds = {
  'tickets-1m': (await import('./tickets-1m.mjs')).default,
};

/**
 * Runs the named seeds that are missing or outdated for this database.
 * @param {string[]} names
 * @param {{ hd: unknown, url: string, database: { mode: string, url: string | null, identity: string },
 *   admin: { email: string }, dataRoot: string, log: (line: string) => void, force?: boolean }} ctx
 *   force: reseed even when the marker says the seed is present (`npm run bench -- seed --force`)
 */
export async function ensureSeeds(names, ctx) {
  const markerFile = path.join(ctx.dataRoot, 'seeds.json');
  const markers = existsSync(markerFile) ? JSON.parse(readFileSync(markerFile, 'utf8')) : {};
  const dbKey = ctx.database.identity;
  for (const name of names) {
    const seed = seeds[name];
    if (!seed) throw new Error(`unknown seed "${name}" (known: ${Object.keys(seeds).join(', ')})`);
    const done = markers[dbKey]?.[name];
    if (done?.version === seed.version && !ctx.force) {
      ctx.log(`seed ${name} v${seed.version}: present (${done.at})`);
      continue;
    }
    ctx.log(`seed ${name} v${seed.version}: seeding…`);
    const started = performance.now();
    await seed.seed(ctx);
    ctx.log(`seed ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    markers[dbKey] = {
      ...markers[dbKey],
      [name]: { version: seed.version, at: new Date().toISOString() },
    };
    mkdirSync(ctx.dataRoot, { recursive: true });
    writeFileSync(markerFile, JSON.stringify(markers, null, 2) + '\n');
  }
}
