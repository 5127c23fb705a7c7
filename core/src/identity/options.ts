/**
 * The identity module's tunables. Defaults follow ASVS 5.0 and the OWASP cheat sheets; embedders
 * and tests may pass others through `identityModule(options)`.
 */
import { z } from 'zod';

const limit = (limitDefault: number, windowDefault: number) =>
  z
    .object({
      limit: z.number().int().min(1).default(limitDefault),
      windowSeconds: z.number().int().min(1).default(windowDefault),
    })
    .default({ limit: limitDefault, windowSeconds: windowDefault });

export const identityOptionsSchema = z.object({
  accessTokenTtlSeconds: z
    .number()
    .int()
    .min(30)
    .max(3600)
    .default(15 * 60),
  /** Absolute session lifetime: no refresh extends a session past it (ASVS 7.3.2). */
  sessionAbsoluteSeconds: z
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600),
  /** Idle timeout: a session not refreshed for this long is over (ASVS 7.3.1). */
  sessionIdleSeconds: z
    .number()
    .int()
    .min(60)
    .default(7 * 24 * 3600),
  /** A spent refresh token presented again within this many seconds is a race, not a theft. */
  refreshGraceSeconds: z.number().int().min(0).max(300).default(30),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
  lockout: z
    .object({
      /** Failures for one account from one IP before that pair is locked (SEC-26). */
      perAccountAndIp: z.number().int().min(1).default(10),
      /**
       * Failures for one account from any IP before the account itself is locked. Higher than
       * the per-IP figure on purpose: a low global lock would let anyone lock a victim out (SEC-27).
       */
      perAccount: z.number().int().min(1).default(50),
      windowSeconds: z
        .number()
        .int()
        .min(1)
        .default(15 * 60),
      lockSeconds: z
        .number()
        .int()
        .min(1)
        .default(15 * 60),
    })
    .default({ perAccountAndIp: 10, perAccount: 50, windowSeconds: 900, lockSeconds: 900 }),
  rateLimits: z
    .object({
      loginPerIp: limit(200, 15 * 60),
      signupPerIp: limit(10, 60 * 60),
      refreshPerIp: limit(300, 15 * 60),
    })
    .default({
      loginPerIp: { limit: 200, windowSeconds: 900 },
      signupPerIp: { limit: 10, windowSeconds: 3600 },
      refreshPerIp: { limit: 300, windowSeconds: 900 },
    }),
  verificationTokenTtlSeconds: z
    .number()
    .int()
    .min(60)
    .default(24 * 3600),
  /** Create the first workspace and its owner on start when there are no users yet. */
  bootstrapAdmin: z.boolean().default(true),
});

export type IdentityOptions = z.output<typeof identityOptionsSchema>;
export type IdentityOptionsInput = z.input<typeof identityOptionsSchema>;
