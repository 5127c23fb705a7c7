/**
 * Single-use emailed tokens (email verification, password reset): 32 random bytes, stored as
 * SHA-256, expiring, spent on first use (PRV-11, ASVS 6.4.1). The routes that consume them
 * (verify-email, reset-password) build on `consumeActionToken`.
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import { NovumError } from '../kernel/errors.js';
import type { ActionTokenPurpose } from './entities/session.entity.js';
import { inIdentityContext, setIdentityContext, type Sql } from './db.js';
import { sha256Hex } from './keys.js';

/** Inserts a token in `sql`'s transaction (whose context must have `userId` set). */
export async function issueActionToken(
  sql: Sql,
  input: {
    purpose: ActionTokenPurpose;
    userId: string;
    email: string;
    ttlSeconds: number;
    now: Date;
  },
): Promise<string> {
  const raw = randomBytes(32).toString('base64url');
  await sql(
    `insert into action_token (id, purpose, user_id, email, token_hash, created_at, expires_at)
     values (?, ?, ?, ?, ?, ?, ?)`,
    [
      uuidv7(),
      input.purpose,
      input.userId,
      input.email,
      sha256Hex(raw),
      input.now,
      new Date(input.now.getTime() + input.ttlSeconds * 1000),
    ],
  );
  return raw;
}

/**
 * Spends a token of `purpose`: 400 `token_invalid` when unknown (or of another purpose),
 * 410 `token_used` / `token_expired` otherwise. `onConsumed` runs in the same transaction, in
 * the token owner's context, so the token is spent only if what it authorises also happens.
 */
export async function consumeActionToken<T>(
  orm: MikroORM,
  clock: Clock,
  purpose: ActionTokenPurpose,
  raw: string,
  onConsumed: (token: { userId: string; email: string }, sql: Sql) => Promise<T>,
): Promise<T> {
  const hash = sha256Hex(raw);
  const now = clock.now();
  return inIdentityContext(orm, { credentialHash: hash }, async (sql, em) => {
    const found = await sql(
      `select id, user_id from action_token where token_hash = ? and purpose = ?`,
      [hash, purpose],
    );
    const ref = found[0];
    if (!ref) throw new NovumError('token_invalid', 'The link is not valid', { status: 400 });
    await setIdentityContext(sql, em, { userId: ref.user_id });
    const rows = await sql(
      `select id, user_id, email, expires_at, used_at from action_token where id = ? for update`,
      [ref.id],
    );
    const token = rows[0]!;
    if (token.used_at)
      throw new NovumError('token_used', 'The link was already used', { status: 410 });
    if (new Date(token.expires_at).getTime() <= now.getTime()) {
      throw new NovumError('token_expired', 'The link has expired', { status: 410 });
    }
    await sql(`update action_token set used_at = ? where id = ?`, [now, token.id]);
    return onConsumed({ userId: token.user_id, email: token.email }, sql);
  });
}
