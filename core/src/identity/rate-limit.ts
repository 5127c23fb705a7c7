/**
 * Rate limits and lockouts kept in PostgreSQL (`identity_rate_limit`), so every web node sees
 * the same counts. Sliding window, approximated the usual way from two fixed windows: the
 * estimate is `previous × (1 − elapsed/window) + current`. One upsert per hit.
 *
 * A lock is a row `lock:<key>` whose `window_start` is when the lock began. Keys are keyed
 * hashes (`keys.ts`), so neither IPs nor email addresses are stored here.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import { systemSql } from './db.js';
import { deriveKey, keyedHash } from './keys.js';

export interface Limit {
  limit: number;
  windowSeconds: number;
}

export interface HitResult {
  allowed: boolean;
  /** Whole seconds until the estimate drops below the limit again (0 when allowed). */
  retryAfterSeconds: number;
  count: number;
}

export class RateLimiter {
  private readonly hashKey: Buffer;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    secret: string,
  ) {
    this.hashKey = deriveKey(secret, 'rate-limit');
  }

  /** `login:ip`, `203.0.113.9` → an opaque key. */
  key(kind: string, value: string): string {
    return `${kind}:${keyedHash(this.hashKey, value)}`;
  }

  /** Counts one event and says whether it is within the limit. */
  async hit(key: string, limit: Limit): Promise<HitResult> {
    const { now, start, previousStart, windowMs } = this.windows(limit);
    const rows = await systemSql(this.orm)(
      `with up as (
         insert into identity_rate_limit (key, window_start, count) values (?, ?, 1)
         on conflict (key, window_start) do update set count = identity_rate_limit.count + 1
         returning count)
       select (select count from up) as current,
              coalesce((select count from identity_rate_limit where key = ? and window_start = ?), 0) as previous`,
      [key, start, key, previousStart],
    );
    const current = Number(rows[0]?.current ?? 1);
    const previous = Number(rows[0]?.previous ?? 0);
    const elapsed = now - start.getTime();
    const estimate = previous * (1 - elapsed / windowMs) + current;
    if (estimate <= limit.limit) return { allowed: true, retryAfterSeconds: 0, count: estimate };
    return {
      allowed: false,
      retryAfterSeconds: retryAfter(limit, previous, current, elapsed),
      count: estimate,
    };
  }

  /** The current estimate without counting (for thresholds checked before an attempt). */
  async count(key: string, limit: Limit): Promise<number> {
    const { now, start, previousStart, windowMs } = this.windows(limit);
    const rows = await systemSql(this.orm)(
      `select window_start, count from identity_rate_limit where key = ? and window_start in (?, ?)`,
      [key, start, previousStart],
    );
    let current = 0;
    let previous = 0;
    for (const row of rows) {
      if (new Date(row.window_start).getTime() === start.getTime()) current = Number(row.count);
      else previous = Number(row.count);
    }
    return previous * (1 - (now - start.getTime()) / windowMs) + current;
  }

  async reset(key: string): Promise<void> {
    await systemSql(this.orm)(`delete from identity_rate_limit where key = ?`, [key]);
  }

  async lock(key: string): Promise<void> {
    await systemSql(this.orm)(
      `insert into identity_rate_limit (key, window_start, count) values (?, ?, 0)
       on conflict (key, window_start) do nothing`,
      [`lock:${key}`, this.clock.now()],
    );
  }

  /** Seconds left on the newest lock of `key` younger than `lockSeconds`, else 0. */
  async lockedFor(key: string, lockSeconds: number): Promise<number> {
    const rows = await systemSql(this.orm)(
      `select max(window_start) as since from identity_rate_limit where key = ?`,
      [`lock:${key}`],
    );
    const since = rows[0]?.since ? new Date(rows[0].since).getTime() : null;
    if (since === null) return 0;
    const left = since + lockSeconds * 1000 - this.clock.now().getTime();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Forgets windows and locks older than `maxAgeSeconds` (the sweep job). */
  async sweep(maxAgeSeconds: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - maxAgeSeconds * 1000);
    const rows = await systemSql(this.orm)(
      `with gone as (delete from identity_rate_limit where window_start < ? returning 1)
       select count(*)::int as n from gone`,
      [cutoff],
    );
    return Number(rows[0]?.n ?? 0);
  }

  private windows(limit: Limit) {
    const now = this.clock.now().getTime();
    const windowMs = limit.windowSeconds * 1000;
    const startMs = Math.floor(now / windowMs) * windowMs;
    return { now, windowMs, start: new Date(startMs), previousStart: new Date(startMs - windowMs) };
  }
}

function retryAfter(limit: Limit, previous: number, current: number, elapsedMs: number): number {
  const windowMs = limit.windowSeconds * 1000;
  // The current window alone is over the limit: wait for the next one, whose estimate then
  // starts from this window's count, decaying linearly.
  if (current >= limit.limit) {
    const intoNext = windowMs * (1 - (limit.limit - 1) / Math.max(current, 1));
    return Math.max(1, Math.ceil((windowMs - elapsedMs + Math.max(0, intoNext)) / 1000));
  }
  // Otherwise the previous window's weight must fade until previous×(1−x/W)+current < limit.
  const x = windowMs * (1 - (limit.limit - current) / previous);
  return Math.max(1, Math.ceil((x - elapsedMs) / 1000));
}
