import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * A person who signs in. Global, not per workspace: one login reaches every workspace the user
 * is a member of (`Membership`). `email` is stored lower-cased and trimmed; the unique index is
 * on `lower(email)` so a raw insert elsewhere cannot create a case-variant duplicate.
 */
export interface User {
  id: string;
  email: string;
  /** argon2id PHC string (`passwords.ts`). Never leaves the server. */
  passwordHash: string;
  displayName: string;
  /** Storage key of the avatar file, once attachments exist. */
  avatarFile: string | null;
  /** IANA zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** BCP 47 tag, e.g. `en`, `de-CH`. */
  language: string;
  emailVerifiedAt: Date | null;
  /** Set: the user cannot sign in and every token of theirs stops working on the next request. */
  disabledAt: Date | null;
  /** Tokens issued before this instant are refused (`iat` check in `authenticate.ts`). */
  passwordChangedAt: Date;
  termsVersion: string | null;
  termsAcceptedAt: Date | null;
  ageAttestedAt: Date | null;
  /** What was attested, e.g. `at_least_13`. */
  ageAttestation: string | null;
  createdAt: Date;
}

export const UserSchema = new EntitySchema<User>({
  name: 'User',
  tableName: 'user_account',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'text' },
    passwordHash: { type: 'text', hidden: true, lazy: true },
    displayName: { type: 'text' },
    avatarFile: { type: 'text', nullable: true },
    timeZone: { type: 'text' },
    language: { type: 'text' },
    emailVerifiedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    disabledAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    passwordChangedAt: { type: 'Date', columnType: 'timestamptz' },
    termsVersion: { type: 'text', nullable: true },
    termsAcceptedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    ageAttestedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    ageAttestation: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
