/**
 * `PATCH /me`: a user edits their own display name, time zone and language. The password is
 * changed through the identity module's `POST /auth/password` (which signs out other sessions).
 *
 * Time zones are checked with `Intl` (the same ICU data that will format dates for the user) and
 * stored in their canonical spelling; language tags are BCP 47, canonicalised the same way.
 */
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { validationFailed } from '../http/problem.js';
import { inIdentityContext } from '../identity/db.js';
import { requireUser } from './context.js';
import { ProfileSchema, ProfileUpdateBody } from './schemas.js';

/** The canonical IANA name, or null when ICU does not know the zone. */
export function canonicalTimeZone(zone: string): string | null {
  // Names only: newer ICU also takes UTC offsets (`+01:00`), which are not IANA zones.
  if (!/^[A-Za-z]/.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The canonical BCP 47 tag (`de-ch` → `de-CH`), or null for a malformed one. */
export function canonicalLanguage(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

export function profileRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'patch',
      path: '/me',
      operationId: 'updateMe',
      summary: 'Edit your own profile: display name, time zone, language',
      tags: ['auth'],
      access: 'authenticated',
      // The user row is not a workspace's: it is written in the user's own identity context.
      tenancy: 'none',
      request: { body: ProfileUpdateBody },
      responses: {
        200: { description: 'The profile', schema: ProfileSchema },
        403: { description: 'Not a user (API keys have no profile)' },
      },
      async handler({ body, scope, actor }) {
        const user = requireUser(actor);
        const timeZone = body.timeZone === undefined ? undefined : canonicalTimeZone(body.timeZone);
        const language = body.language === undefined ? undefined : canonicalLanguage(body.language);
        const problems = [
          ...(timeZone === null
            ? [{ path: 'body.timeZone', message: 'not an IANA time zone' }]
            : []),
          ...(language === null
            ? [{ path: 'body.language', message: 'not a BCP 47 language tag' }]
            : []),
        ];
        if (problems.length > 0) throw validationFailed(problems);
        const { identity } = scope.cradle;
        const rows = await inIdentityContext(identity.orm, { userId: user.id }, (sql) =>
          sql(
            `update user_account
                set display_name = coalesce(?, display_name),
                    time_zone = coalesce(?, time_zone),
                    language = coalesce(?, language)
              where id = ?
          returning id, email, display_name, time_zone, language`,
            [body.displayName ?? null, timeZone ?? null, language ?? null, user.id],
          ),
        );
        const row = rows[0]!;
        return {
          id: row.id,
          email: row.email,
          displayName: row.display_name,
          timeZone: row.time_zone,
          language: row.language,
        };
      },
    }),
  ];
}
