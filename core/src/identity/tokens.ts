/**
 * Access tokens: HS256 JWTs, 15 minutes, with a `kid` naming the secret that signed them.
 *
 * Verification does not trust the library's defaults (STACK.md): the header is checked by hand
 * first (only `alg: HS256`, `typ: JWT` and a known `kid`; anything else — `jwk`, `jku`, `x5u`,
 * `crit`, … — is refused), then `jsonwebtoken` verifies with the algorithm, issuer and audience
 * pinned, and finally `exp`, `iat` and our own `typ: access` claim are required. Every failure
 * is a 401 with a generic detail: nothing about which check failed leaks to the caller.
 */
import jwt from 'jsonwebtoken';
import { randomUUID, createSecretKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { NovumError } from '../kernel/errors.js';
import { deriveKey, keyIdOf } from './keys.js';

export interface AccessClaims {
  /** user id */
  sub: string;
  /** workspace id */
  wid: string;
  /** session (refresh family) id */
  sid: string;
  iat: number;
  exp: number;
}

export interface TokenServiceOptions {
  secret: string;
  /** Verify-only: tokens signed with these still pass until they expire. */
  previousSecrets?: readonly string[];
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clockToleranceSeconds: number;
  clock: Clock;
}

const ALGORITHM = 'HS256';
const ALLOWED_HEADER_KEYS = new Set(['alg', 'typ', 'kid']);
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TOKEN_LENGTH = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const tokenInvalid = (): NovumError =>
  new NovumError('token_invalid', 'The access token is not valid', { status: 401 });
export const tokenExpired = (): NovumError =>
  new NovumError('token_expired', 'The access token has expired', { status: 401 });

export class TokenService {
  // KeyObjects, not Buffers: given a Buffer, jsonwebtoken first tries (and fails) to parse it as
  // a public key on every call, which cost more than the rest of the request put together.
  private readonly keys = new Map<string, KeyObject>();
  private readonly currentKid: string;

  constructor(private readonly options: TokenServiceOptions) {
    this.currentKid = keyIdOf(options.secret);
    for (const secret of [options.secret, ...(options.previousSecrets ?? [])]) {
      const kid = keyIdOf(secret);
      if (!this.keys.has(kid)) {
        this.keys.set(kid, createSecretKey(deriveKey(secret, 'access-token', kid)));
      }
    }
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }

  sign(subject: { userId: string; workspaceId: string; sessionId: string }): {
    token: string;
    expiresIn: number;
  } {
    const iat = this.nowSeconds();
    const payload = {
      sub: subject.userId,
      wid: subject.workspaceId,
      sid: subject.sessionId,
      typ: 'access',
      iat,
      exp: iat + this.options.ttlSeconds,
      jti: randomUUID(),
    };
    const token = jwt.sign(payload, this.keys.get(this.currentKid)!, {
      algorithm: ALGORITHM,
      issuer: this.options.issuer,
      audience: this.options.audience,
      header: { alg: ALGORITHM, typ: 'JWT', kid: this.currentKid },
    });
    return { token, expiresIn: this.options.ttlSeconds };
  }

  /** Claims of a valid access token, or a 401 `token_invalid` / `token_expired`. */
  verify(token: string): AccessClaims {
    if (token.length > MAX_TOKEN_LENGTH) throw tokenInvalid();
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => p === '')) throw tokenInvalid();
    const header = decodeSegment(parts[0]!);
    const key = this.keyForHeader(header);
    let payload: unknown;
    try {
      payload = jwt.verify(token, key, {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        clockTimestamp: this.nowSeconds(),
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw tokenExpired();
      throw tokenInvalid();
    }
    return this.checkClaims(payload);
  }

  private keyForHeader(header: unknown): KeyObject {
    if (typeof header !== 'object' || header === null || Array.isArray(header))
      throw tokenInvalid();
    const fields = header as Record<string, unknown>;
    // An attacker-supplied key (jwk, jku, x5u, x5c) or anything we did not put there is refused
    // outright, whether or not the library would have looked at it.
    if (Object.keys(fields).some((k) => !ALLOWED_HEADER_KEYS.has(k))) throw tokenInvalid();
    if (fields.alg !== ALGORITHM || fields.typ !== 'JWT') throw tokenInvalid();
    const kid = fields.kid;
    // The kid is only ever a map key: never a path, a query or a URL.
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw tokenInvalid();
    const key = this.keys.get(kid);
    if (!key) throw tokenInvalid();
    return key;
  }

  private checkClaims(payload: unknown): AccessClaims {
    if (typeof payload !== 'object' || payload === null) throw tokenInvalid();
    const claims = payload as Record<string, unknown>;
    const { sub, wid, sid, iat, exp, typ } = claims;
    // A refresh, verification or any other token type is never an access token.
    if (typ !== 'access') throw tokenInvalid();
    if (typeof exp !== 'number' || typeof iat !== 'number') throw tokenInvalid();
    // We never issue longer-lived tokens; one that claims to be is not ours to honour.
    if (exp - iat > this.options.ttlSeconds) throw tokenInvalid();
    if (iat > this.nowSeconds() + this.options.clockToleranceSeconds) throw tokenInvalid();
    for (const id of [sub, wid, sid]) {
      if (typeof id !== 'string' || !UUID.test(id)) throw tokenInvalid();
    }
    return { sub: sub as string, wid: wid as string, sid: sid as string, iat, exp };
  }
}

function decodeSegment(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) throw tokenInvalid();
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw tokenInvalid();
  }
}
