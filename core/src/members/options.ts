/**
 * The members module's tunables. Defaults follow the issue (invitations live 7 days, reset links
 * 1 hour, the security log 365 days); embedders and tests pass others through
 * `membersModule(options)`.
 */
import { z } from 'zod';

// `prefault({})`: an omitted object is parsed as `{}`, so its fields' own defaults apply.
const limit = (limitDefault: number, windowDefault: number) =>
  z
    .object({
      limit: z.number().int().min(1).default(limitDefault),
      windowSeconds: z.number().int().min(1).default(windowDefault),
    })
    .prefault({});

export const membersOptionsSchema = z
  .object({
    invitationTtlSeconds: z
      .number()
      .int()
      .min(60)
      .default(7 * 24 * 3600),
    /** Password-reset links: short, since whoever holds one can take the account (ASVS 6.4.1). */
    passwordResetTtlSeconds: z.number().int().min(60).max(86_400).default(3600),
    /** Security events older than this are deleted by the daily retention job. */
    auditRetentionDays: z.number().int().min(1).default(365),
    /** When the retention job runs (cron, UTC). */
    auditRetentionCron: z.string().min(9).default('40 3 * * *'),
    rateLimits: z
      .object({
        /** Reset requests per client IP (answered with 429 when over). */
        passwordResetPerIp: limit(20, 15 * 60),
        /** Reset messages per typed address: over it, the answer is still 202 but nothing is sent. */
        passwordResetPerAccount: limit(3, 60 * 60),
        /** Token submissions (reset confirm, email verification, invitation accept) per IP. */
        tokenPerIp: limit(30, 15 * 60),
        /** Verification messages a signed-in user may ask for. */
        verificationResendPerUser: limit(5, 60 * 60),
      })
      .prefault({}),
  })
  .prefault({});

export type MembersOptions = z.output<typeof membersOptionsSchema>;
export type MembersOptionsInput = z.input<typeof membersOptionsSchema>;
