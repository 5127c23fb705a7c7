import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * A service message handed to the default Mailer (`mailer.ts`), which stores instead of sending.
 * The full text (which may hold a one-time link) lives only here, never in logs.
 */
export interface MailMessage {
  id: string;
  workspaceId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** `verify_email`, `reset_password`, `invitation`, `signup_existing_account`, … */
  kind: string;
  /** `stored` by the default Mailer; a sending Mailer moves it on to `sent` / `failed`. */
  status: string;
  createdAt: Date;
}

export const MailMessageSchema = new EntitySchema<MailMessage>({
  name: 'MailMessage',
  tableName: 'mail_message',
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid', nullable: true },
    to: { type: 'text', fieldName: 'to_address' },
    subject: { type: 'text' },
    text: { type: 'text' },
    html: { type: 'text', nullable: true },
    kind: { type: 'text' },
    status: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
